namespace TppGate.Core.Certificates;

/// <summary>Limits for reading forwarded certificates. The defaults are safe for App Service and APIM.</summary>
public sealed class CertificateReaderOptions
{
    /// <summary>The largest value read, in characters, checked before any decoding. Default 16 KB.</summary>
    public int MaxValueLength { get; set; } = 16 * 1024;

    /// <summary>The most certificates accepted in a forwarded chain. Default 5.</summary>
    public int MaxChainLength { get; set; } = 5;
}

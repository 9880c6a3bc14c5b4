namespace TppGate.Core.Certificates;

/// <summary>The outcome of reading a forwarded chain.</summary>
public readonly record struct CertificateChainReadResult(IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> Certificates, CertificateReadError Error, string? Message)
{
    /// <summary>True when the chain was read (it may be empty).</summary>
    public bool Succeeded => Error == CertificateReadError.None;
}

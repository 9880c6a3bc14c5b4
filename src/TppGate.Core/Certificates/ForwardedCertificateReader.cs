namespace TppGate.Core.Certificates;

/// <summary>
/// Reads a client certificate from a forwarded header value in any supported format. Never throws for bad
/// input: every failure is a <see cref="CertificateReadResult"/> with a stable <see cref="CertificateReadError"/>.
/// </summary>
public static class ForwardedCertificateReader
{
    /// <summary>Reads one certificate (and any chain the format carries) from <paramref name="value"/>.</summary>
    public static CertificateReadResult Read(string? value, CertificateSourceFormat format = CertificateSourceFormat.Auto, CertificateReaderOptions? options = null)
        => throw new NotImplementedException("filled in by the readers work");

    /// <summary>Reads raw bytes from a file: DER, or any text format.</summary>
    public static CertificateReadResult Read(ReadOnlySpan<byte> bytes, CertificateSourceFormat format = CertificateSourceFormat.Auto, CertificateReaderOptions? options = null)
        => throw new NotImplementedException("filled in by the readers work");

    /// <summary>Reads an RFC 9440 <c>Client-Cert-Chain</c> value: a list of byte sequences.</summary>
    public static CertificateChainReadResult ReadRfc9440Chain(string? value, CertificateReaderOptions? options = null)
        => throw new NotImplementedException("filled in by the readers work");
}

/// <summary>The outcome of reading a forwarded chain.</summary>
public readonly record struct CertificateChainReadResult(IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> Certificates, CertificateReadError Error, string? Message)
{
    /// <summary>True when the chain was read (it may be empty).</summary>
    public bool Succeeded => Error == CertificateReadError.None;
}

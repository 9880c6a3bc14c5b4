using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Certificates;

/// <summary>A client certificate read from a forwarded value, with any chain that came with it.</summary>
/// <remarks>The caller owns the certificates and disposes them through <see cref="Dispose"/>.</remarks>
public sealed class ForwardedCertificate(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain, CertificateSourceFormat format) : IDisposable
{
    /// <summary>The leaf (client) certificate.</summary>
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>Certificates forwarded beside the leaf (XFCC <c>Chain</c>, RFC 9440 <c>Client-Cert-Chain</c>); untrusted hints only.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; } = chain;

    /// <summary>The format the value was read as.</summary>
    public CertificateSourceFormat Format { get; } = format;

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var c in Chain)
        {
            c.Dispose();
        }
    }
}

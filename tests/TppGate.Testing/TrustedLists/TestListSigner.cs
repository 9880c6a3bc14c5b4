using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Testing.TrustedLists;

/// <summary>A trusted-list scheme operator's signing key and certificate, made in code (RSA 2048, self-signed).</summary>
public sealed class TestListSigner : IDisposable
{
    private TestListSigner(RSA key, X509Certificate2 certificate)
    {
        Key = key;
        Certificate = certificate;
    }

    /// <summary>The signing key.</summary>
    public RSA Key { get; }

    /// <summary>The signing certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate's DER.</summary>
    public byte[] Der => Certificate.RawData;

    /// <summary>Creates a signer valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public static TestListSigner Create(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}, O=TppGate Tests, C=EU", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var withKey = request.CreateSelfSigned(notBefore, notAfter);
        return new TestListSigner(key, X509CertificateLoader.LoadCertificate(withKey.RawData));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Key.Dispose();
        Certificate.Dispose();
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Benchmarks;

/// <summary>
/// The bare BCL cost every cold-path figure is measured against: decode the base64 header, load the DER and
/// build the chain with TppGate's policy (custom root trust, clientAuth, fixed time, no downloads, no revocation).
/// </summary>
internal static class BclBaseline
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public static bool LoadAndBuild(string header, X509Certificate2Collection anchors, X509Certificate2Collection intermediates, DateTime verificationTime)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(header));
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(anchors);
        policy.ExtraStore.AddRange(intermediates);
        policy.ApplicationPolicy.Add(ClientAuth);
        policy.VerificationTime = verificationTime;
        policy.VerificationTimeIgnored = false;
        policy.DisableCertificateDownloads = true;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            // Disposing the chain does not dispose the certificates it made for its elements.
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Trust;

namespace TppGate.Core.Tests.Trust;

public sealed class FileTrustAnchorProviderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tppgate-anchors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_folder_of_pem_and_der_files_loads_roots_as_anchors_and_the_rest_as_intermediates()
    {
        using var root = CreateCa("Root", issuer: null);
        using var intermediate = CreateCa("Intermediate", root);
        File.WriteAllText(Path.Combine(_folder, "root.pem"), root.ExportCertificatePem());
        File.WriteAllBytes(Path.Combine(_folder, "intermediate.cer"), intermediate.RawData);
        File.WriteAllText(Path.Combine(_folder, "notes.txt"), "ignored");

        var provider = new FileTrustAnchorProvider(_folder);

        Assert.Null(provider.LastError);
        Assert.Equal(root.Thumbprint, Assert.Single(provider.Current!.Anchors).Thumbprint);
        Assert.Equal(intermediate.Thumbprint, Assert.Single(provider.Current.Intermediates).Thumbprint);
    }

    [Fact]
    public void A_file_with_a_private_key_is_refused_and_nothing_loads()
    {
        using var root = CreateCa("Root", issuer: null);
        using var key = ECDsa.Create();
        var file = Path.Combine(_folder, "root.pem");
        File.WriteAllText(file, root.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());

        var provider = new FileTrustAnchorProvider(file);

        Assert.Null(provider.Current);
        Assert.Contains("private key", provider.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_reload_keeps_the_last_good_set()
    {
        using var root = CreateCa("Root", issuer: null);
        using var intermediate = CreateCa("Intermediate", root);
        var file = Path.Combine(_folder, "anchors.pem");
        File.WriteAllText(file, root.ExportCertificatePem());
        var provider = new FileTrustAnchorProvider(file);
        var good = provider.Current;

        File.WriteAllText(file, intermediate.ExportCertificatePem());
        var reloaded = provider.Reload();

        Assert.False(reloaded);
        Assert.Same(good, provider.Current);
        Assert.Contains("no self-signed root", provider.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_path_leaves_no_set()
    {
        var provider = new FileTrustAnchorProvider(Path.Combine(_folder, "absent"));

        Assert.Null(provider.Current);
        Assert.NotNull(provider.LastError);
    }

    private static X509Certificate2 CreateCa(string name, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        return issuer is null
            ? request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1))
            // Inside the issuer's validity: the issuer was made with its own, earlier "now", and CertificateRequest
            // refuses a notAfter past the issuer's (a flake whenever the two reads of the clock straddled a second).
            : request.Create(issuer, now.AddDays(-1), new DateTimeOffset(issuer.NotAfter.ToUniversalTime()).AddDays(-1), RandomNumberGenerator.GetBytes(16));
    }
}

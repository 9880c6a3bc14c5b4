using System.Security.Cryptography;
using TppGate.Core.Trust;
using TppGate.Core.Trust.TrustedLists;

namespace TppGate.Core.Tests.Trust;

/// <summary>The PEM bundle of trusted-list anchors loads through TrustAnchors:Path with every certificate as an anchor.</summary>
public sealed class NamedAnchorBundleTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tppgate-anchors-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_bundle_written_from_trusted_lists_makes_its_non_self_signed_certificates_anchors()
    {
        using var root = TestPki.CreateRoot("Unnamed root");
        using var issuing = TestPki.Issue(root, "Named QWAC CA", TestPki.Ca);
        var path = Path.Combine(_folder.FullName, "anchors.pem");
        File.WriteAllText(path, TrustAnchorPem.Write([TrustedListAnchor.Create(issuing.RawData, "PT", "TSP", "QWAC CA")]));

        var provider = new FileTrustAnchorProvider(path);

        Assert.Null(provider.LastError);
        Assert.Equal(issuing.RawData, Assert.Single(provider.Current!.Anchors).RawData);
    }

    [Fact]
    public void The_same_certificate_in_a_plain_PEM_file_is_no_anchor()
    {
        using var root = TestPki.CreateRoot("Unnamed root");
        using var issuing = TestPki.Issue(root, "Named QWAC CA", TestPki.Ca);
        var path = Path.Combine(_folder.FullName, "plain.pem");
        File.WriteAllText(path, PemEncoding.WriteString("CERTIFICATE", issuing.RawData));

        var provider = new FileTrustAnchorProvider(path);

        Assert.Null(provider.Current);
        Assert.NotNull(provider.LastError);
    }
}

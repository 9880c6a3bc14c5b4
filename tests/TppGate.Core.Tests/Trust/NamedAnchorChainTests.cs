using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Trust;

namespace TppGate.Core.Tests.Trust;

/// <summary>
/// A trusted list names a QTSP's issuing CA, which is usually not self-signed. .NET's X509Chain with
/// CustomRootTrust on Linux (OpenSSL) must then accept a chain that ends at that CA without its issuer: these tests
/// pin that behaviour down on this platform (decision 0003).
/// </summary>
public sealed class NamedAnchorChainTests : IDisposable
{
    private readonly X509Certificate2 _root = TestPki.CreateRoot("Root the list does not name");
    private readonly X509Certificate2 _issuing;
    private readonly X509Certificate2 _leaf;

    public NamedAnchorChainTests()
    {
        _issuing = TestPki.Issue(_root, "QWAC CA named by a trusted list", TestPki.Ca);
        _leaf = TestPki.Issue(_issuing, "tpp.example");
    }

    public void Dispose()
    {
        _leaf.Dispose();
        _issuing.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void Dotnet_X509Chain_with_custom_root_trust_reports_a_chain_ending_at_a_non_self_signed_anchor_as_partial()
    {
        using var issuingPublic = TestPki.PublicOnly(_issuing);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(issuingPublic);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = TestPki.Now.UtcDateTime;

        var built = chain.Build(_leaf);

        // On Linux (OpenSSL) the chain stops at the anchor but is flagged PartialChain, with nothing else wrong:
        // ChainValidator accepts exactly that case when the last element is a configured anchor.
        Assert.False(built);
        Assert.Equal(X509ChainStatusFlags.PartialChain, chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status));
        Assert.Equal(2, chain.ChainElements.Count);
        Assert.Equal(issuingPublic.RawData, chain.ChainElements[^1].Certificate.RawData);
    }

    [Fact]
    public void A_leaf_under_a_named_non_self_signed_anchor_is_trusted_without_its_root()
    {
        var set = new TrustAnchorSet([], [TestPki.PublicOnly(_issuing)], TestPki.Now, "trusted list");

        var result = new ChainValidator(new StaticTrustAnchorProvider(set), new ChainValidationOptions(), new FakeTimeProvider(TestPki.Now)).Validate(_leaf);

        Assert.True(result.Trusted, result.Detail);
    }

    [Fact]
    public void The_same_CA_given_only_as_an_intermediate_is_not_trusted()
    {
        using var other = TestPki.CreateRoot("Some other root");
        var set = new TrustAnchorSet([TestPki.PublicOnly(_issuing), TestPki.PublicOnly(other)], TestPki.Now, "plain bundle");

        var result = new ChainValidator(new StaticTrustAnchorProvider(set), new ChainValidationOptions(), new FakeTimeProvider(TestPki.Now)).Validate(_leaf);

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.Untrusted, result.Failures);
    }

    [Fact]
    public void A_leaf_with_a_forged_signature_under_a_named_anchor_is_not_trusted()
    {
        // An impostor CA with the anchor's name and key identifier but another key signs a leaf: the chain links to
        // the real anchor by name and key identifier, and the signature check must catch it.
        using var impostorKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(_issuing.SubjectName, impostorKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(_issuing.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single());
        using var impostor = request.CreateSelfSigned(TestPki.Now.AddYears(-1), TestPki.Now.AddYears(1));
        using var forged = TestPki.Issue(impostor, "tpp.example");
        var set = new TrustAnchorSet([], [TestPki.PublicOnly(_issuing)], TestPki.Now, "trusted list");

        var result = new ChainValidator(new StaticTrustAnchorProvider(set), new ChainValidationOptions(), new FakeTimeProvider(TestPki.Now)).Validate(forged);

        Assert.False(result.Trusted, result.Detail);
        Assert.Contains("NotSignatureValid", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_anchor_does_not_vouch_for_a_leaf_of_its_sibling()
    {
        using var sibling = TestPki.Issue(_root, "Sibling CA", TestPki.Ca);
        using var siblingLeaf = TestPki.Issue(sibling, "tpp.example");
        var set = new TrustAnchorSet([], [TestPki.PublicOnly(_issuing)], TestPki.Now, "trusted list");

        var result = new ChainValidator(new StaticTrustAnchorProvider(set), new ChainValidationOptions(), new FakeTimeProvider(TestPki.Now)).Validate(siblingLeaf);

        Assert.False(result.Trusted, result.Detail);
    }
}

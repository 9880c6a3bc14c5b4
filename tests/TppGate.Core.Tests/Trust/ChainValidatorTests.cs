using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Trust;

namespace TppGate.Core.Tests.Trust;

public sealed class ChainValidatorTests : IDisposable
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private readonly X509Certificate2 root = TestPki.CreateRoot("Test QTSP Root");
    private readonly X509Certificate2 issuing;
    private readonly List<X509Certificate2> owned = [];

    public ChainValidatorTests()
    {
        issuing = TestPki.Issue(root, "Test QTSP Issuing CA", TestPki.Ca);
        owned.Add(root);
        owned.Add(issuing);
    }

    public void Dispose()
    {
        foreach (var c in owned)
        {
            c.Dispose();
        }
    }

    private X509Certificate2 Own(X509Certificate2 certificate)
    {
        owned.Add(certificate);
        return certificate;
    }

    private X509Certificate2 Leaf(CertSpec? spec = null, X509Certificate2? issuer = null)
        => Own(TestPki.Issue(issuer ?? issuing, "tpp.example", spec));

    private static ChainValidator Validator(
        IEnumerable<X509Certificate2> anchorCertificates,
        DateTimeOffset? at = null,
        Action<ChainValidationOptions>? configure = null)
    {
        // These certificates name no revocation source: revocation has its own tests (RevocationTests, CrlCacheTests).
        var options = new ChainValidationOptions { Revocation = RevocationCheck.NoCheck };
        configure?.Invoke(options);
        var provider = new StaticTrustAnchorProvider(anchorCertificates.Select(TestPki.PublicOnly), "test");
        return new ChainValidator(provider, options, new FakeTimeProvider(at ?? TestPki.Now));
    }

    private ChainValidator DefaultValidator(DateTimeOffset? at = null, Action<ChainValidationOptions>? configure = null)
        => Validator([root, issuing], at, configure);

    [Fact]
    public void Leaf_issued_under_a_configured_root_is_trusted()
    {
        var result = DefaultValidator().Validate(Leaf());

        Assert.True(result.Trusted, result.Detail);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public void Intermediate_forwarded_by_the_caller_completes_the_path_to_the_anchor()
    {
        var leaf = Leaf();

        var result = Validator([root]).Validate(leaf, [Own(TestPki.PublicOnly(issuing))]);

        Assert.True(result.Trusted, result.Detail);
    }

    [Fact]
    public void Missing_intermediate_is_untrusted()
    {
        var result = Validator([root]).Validate(Leaf());

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.Untrusted, result.Failures);
        Assert.NotNull(result.Detail);
    }

    [Fact]
    public void Chain_to_an_unconfigured_root_is_untrusted()
    {
        var otherRoot = Own(TestPki.CreateRoot("Some Other Root"));
        var otherIssuing = Own(TestPki.Issue(otherRoot, "Some Other Issuing CA", TestPki.Ca));
        var leaf = Leaf(issuer: otherIssuing);

        var result = DefaultValidator().Validate(leaf, [otherIssuing, otherRoot]);

        Assert.False(result.Trusted);
        Assert.Equal([ChainFailure.Untrusted], result.Failures);
    }

    [Fact]
    public void Attacker_intermediate_with_the_real_issuers_name_does_not_chain_to_the_anchor()
    {
        // Same subject name as the real issuing CA, but its own key, signed by the attacker's root.
        var attackerRoot = Own(TestPki.CreateRoot("Test QTSP Root"));
        var fakeIssuing = Own(TestPki.Issue(attackerRoot, "Test QTSP Issuing CA", TestPki.Ca));
        var leaf = Leaf(issuer: fakeIssuing);

        var result = Validator([root]).Validate(leaf, [fakeIssuing]);

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.Untrusted, result.Failures);
    }

    [Fact]
    public void Self_signed_leaf_is_untrusted()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=tpp.example", key, HashAlgorithmName.SHA256);
        var leaf = Own(request.CreateSelfSigned(TestPki.Now.AddDays(-1), TestPki.Now.AddDays(1)));

        var result = DefaultValidator().Validate(leaf);

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.Untrusted, result.Failures);
    }

    [Fact]
    public void Intermediate_that_is_not_a_CA_cannot_issue()
    {
        var notCa = Own(TestPki.Issue(root, "Not A CA", TestPki.Ca with { IsCa = false, KeepKey = true }));
        var leaf = Leaf(issuer: notCa);

        var result = Validator([root]).Validate(leaf, [Own(TestPki.PublicOnly(notCa))]);

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.InvalidBasicConstraints, result.Failures);
    }

    [Fact]
    public void Path_longer_than_the_roots_path_length_is_invalid()
    {
        var strictRoot = Own(TestPki.CreateRoot("Strict Root", TestPki.Ca with { PathLength = 0 }));
        var middle = Own(TestPki.Issue(strictRoot, "Too Deep CA", TestPki.Ca));
        var leaf = Leaf(issuer: middle);

        var result = Validator([strictRoot]).Validate(leaf, [middle]);

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.InvalidBasicConstraints, result.Failures);
    }

    public static TheoryData<int, bool> SkewEdges => new()
    {
        { -1, true },
        { 1, false },
    };

    [Theory]
    [MemberData(nameof(SkewEdges))]
    public void Expired_leaf_is_allowed_only_within_the_clock_skew(int secondsPastSkew, bool trusted)
    {
        var notAfter = TestPki.Now.AddDays(-1);
        var leaf = Leaf(new CertSpec { NotBefore = notAfter.AddDays(-30), NotAfter = notAfter });

        var result = DefaultValidator(notAfter + Skew + (secondsPastSkew * OneSecond)).Validate(leaf);

        Assert.Equal(trusted, result.Trusted);
        Assert.Equal(trusted ? [] : [ChainFailure.Expired], result.Failures);
    }

    [Theory]
    [MemberData(nameof(SkewEdges))]
    public void Not_yet_valid_leaf_is_allowed_only_within_the_clock_skew(int secondsPastSkew, bool trusted)
    {
        var notBefore = TestPki.Now.AddDays(1);
        var leaf = Leaf(new CertSpec { NotBefore = notBefore, NotAfter = notBefore.AddDays(30) });

        var result = DefaultValidator(notBefore - Skew - (secondsPastSkew * OneSecond)).Validate(leaf);

        Assert.Equal(trusted, result.Trusted);
        Assert.Equal(trusted ? [] : [ChainFailure.NotYetValid], result.Failures);
    }

    [Theory]
    [MemberData(nameof(SkewEdges))]
    public void Expired_intermediate_is_allowed_only_within_the_clock_skew(int secondsPastSkew, bool trusted)
    {
        var notAfter = TestPki.Now.AddDays(-1);
        var oldIssuing = Own(TestPki.Issue(root, "Old Issuing CA", TestPki.Ca with { NotAfter = notAfter }));
        var leaf = Leaf(issuer: oldIssuing);

        var result = Validator([root, oldIssuing], notAfter + Skew + (secondsPastSkew * OneSecond)).Validate(leaf);

        Assert.Equal(trusted, result.Trusted);
        Assert.Equal(trusted ? [] : [ChainFailure.Expired], result.Failures);
    }

    [Theory]
    [MemberData(nameof(SkewEdges))]
    public void Not_yet_valid_intermediate_is_allowed_only_within_the_clock_skew(int secondsPastSkew, bool trusted)
    {
        var notBefore = TestPki.Now.AddDays(1);
        var newIssuing = Own(TestPki.Issue(root, "New Issuing CA", TestPki.Ca with { NotBefore = notBefore }));
        var leaf = Leaf(new CertSpec { NotBefore = notBefore.AddDays(-10) }, newIssuing);

        var result = Validator([root, newIssuing], notBefore - Skew - (secondsPastSkew * OneSecond)).Validate(leaf);

        Assert.Equal(trusted, result.Trusted);
        Assert.Equal(trusted ? [] : [ChainFailure.NotYetValid], result.Failures);
    }

    [Fact]
    public void Leaf_without_clientAuth_is_wrong_usage()
    {
        var leaf = Leaf(new CertSpec { Eku = [TestPki.ServerAuth] });

        var result = DefaultValidator().Validate(leaf);

        Assert.False(result.Trusted);
        Assert.Equal([ChainFailure.WrongUsage], result.Failures);
    }

    [Fact]
    public void Leaf_with_no_eku_extension_at_all_is_wrong_usage_unless_client_authentication_is_not_required()
    {
        var leaf = Leaf(new CertSpec { Eku = null });

        var required = DefaultValidator().Validate(leaf);
        var notRequired = DefaultValidator(configure: o => o.RequireClientAuthentication = false).Validate(leaf);

        Assert.Equal([ChainFailure.WrongUsage], required.Failures);
        Assert.True(notRequired.Trusted, notRequired.Detail);
    }

    [Fact]
    public void Leaf_without_clientAuth_is_trusted_when_client_authentication_is_not_required()
    {
        var leaf = Leaf(new CertSpec { Eku = [TestPki.ServerAuth] });

        var result = DefaultValidator(configure: o => o.RequireClientAuthentication = false).Validate(leaf);

        Assert.True(result.Trusted, result.Detail);
    }

    [Fact]
    public void Unknown_critical_extension_is_refused()
    {
        var leaf = Leaf(new CertSpec { UnknownCriticalExtension = true });

        var result = DefaultValidator().Validate(leaf);

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.UnknownCriticalExtension, result.Failures);
    }

    [Fact]
    public void RSA_1024_leaf_is_a_weak_algorithm()
    {
        var leaf = Leaf(new CertSpec { RsaKeySize = 1024 });

        var result = DefaultValidator().Validate(leaf);

        Assert.False(result.Trusted);
        Assert.Equal([ChainFailure.WeakAlgorithm], result.Failures);
    }

    [Fact]
    public void RSA_1024_leaf_is_trusted_when_weak_algorithms_are_allowed()
    {
        var leaf = Leaf(new CertSpec { RsaKeySize = 1024 });

        var result = DefaultValidator(configure: o => o.RejectWeakAlgorithms = false).Validate(leaf);

        Assert.True(result.Trusted, result.Detail);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    public void RSA_leaf_of_at_least_2048_bits_is_trusted(int bits)
    {
        var leaf = Leaf(new CertSpec { RsaKeySize = bits });

        var result = DefaultValidator().Validate(leaf);

        Assert.True(result.Trusted, result.Detail);
    }

    [Theory]
    [InlineData("1.3.132.0.34", true)]
    [InlineData("1.3.132.0.35", true)]
    [InlineData("1.3.132.0.33", false)]
    public void EC_leaf_is_weak_below_256_bits(string curveOid, bool trusted)
    {
        var leaf = Leaf(new CertSpec { CurveOid = curveOid });

        var result = DefaultValidator().Validate(leaf);

        Assert.Equal(trusted, result.Trusted);
        Assert.Equal(trusted ? [] : [ChainFailure.WeakAlgorithm], result.Failures);
    }

    [Fact]
    public void SHA1_signed_leaf_is_a_weak_algorithm()
    {
        var leaf = Leaf(new CertSpec { Hash = HashAlgorithmName.SHA1 });
        Assert.Equal("1.2.840.10045.4.1", leaf.SignatureAlgorithm.Value);

        var result = DefaultValidator().Validate(leaf);

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.WeakAlgorithm, result.Failures);
    }

    [Fact]
    public void No_trust_anchors_loaded_denies_everything()
    {
        var validator = new ChainValidator(new StaticTrustAnchorProvider((TrustAnchorSet?)null), new ChainValidationOptions { Revocation = RevocationCheck.NoCheck }, new FakeTimeProvider(TestPki.Now));

        var result = validator.Validate(Leaf());

        Assert.False(result.Trusted);
        Assert.Equal([ChainFailure.NoTrustAnchors], result.Failures);
    }

    [Fact]
    public void A_set_of_intermediates_without_a_root_is_no_trust_anchor()
    {
        var result = Validator([issuing]).Validate(Leaf());

        Assert.False(result.Trusted);
        Assert.Equal([ChainFailure.NoTrustAnchors], result.Failures);
    }
}

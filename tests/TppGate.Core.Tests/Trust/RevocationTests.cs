using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Trust;
using TppGate.Testing.Revocation;

namespace TppGate.Core.Tests.Trust;

/// <summary>
/// Revocation checked for real: the CRL is served over HTTP on 127.0.0.1 and fetched by the chain engine.
/// Every test publishes at a fresh URL, since OpenSSL caches downloaded CRLs on disk by URL.
/// </summary>
public sealed class RevocationTests : IAsyncLifetime
{
    // CRL caching compares with the real clock, so these certificates live around the real now.
    private static readonly DateTimeOffset RealNow = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private readonly CrlServer server = new();
    private readonly X509Certificate2 root = TestPki.CreateRoot("Revocation Test Root", TestPki.Ca with
    {
        NotBefore = RealNow.AddYears(-1),
        NotAfter = RealNow.AddYears(5),
    });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        root.Dispose();
        await server.DisposeAsync();
    }

    private X509Certificate2 LeafWithCrl(string url) => TestPki.Issue(root, "tpp.example", new CertSpec
    {
        NotBefore = RealNow.AddDays(-10),
        NotAfter = RealNow.AddDays(100),
        CrlUrl = url,
    });

    private void PublishCrl(string url, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var c in revoked)
        {
            builder.AddEntry(c, RealNow.AddHours(-1), X509RevocationReason.KeyCompromise);
        }

        var crl = builder.Build(root, BigInteger.One, RealNow.AddDays(7), HashAlgorithmName.SHA256, thisUpdate: RealNow.AddDays(-1));
        server.Publish(url, crl);
    }

    private ChainValidator Validator(bool allowUnknown = false)
    {
        var options = new ChainValidationOptions
        {
            Revocation = RevocationCheck.Online,
            RevocationTimeout = TimeSpan.FromSeconds(5),
            AllowUnknownRevocation = allowUnknown,
        };
        var provider = new StaticTrustAnchorProvider([TestPki.PublicOnly(root)], "test");
        return new ChainValidator(provider, options, new FakeTimeProvider(RealNow));
    }

    [Fact]
    public void Leaf_listed_on_the_fetched_CRL_is_revoked()
    {
        var url = server.NewUrl();
        using var leaf = LeafWithCrl(url);
        PublishCrl(url, leaf);

        var result = Validator().Validate(leaf);

        Assert.False(result.Trusted);
        Assert.Equal([ChainFailure.Revoked], result.Failures);
        Assert.True(server.Requests >= 1);
    }

    [Fact]
    public void Leaf_absent_from_the_fetched_CRL_is_trusted()
    {
        var url = server.NewUrl();
        using var leaf = LeafWithCrl(url);
        using var other = LeafWithCrl(url);
        PublishCrl(url, other);

        var result = Validator().Validate(leaf);

        Assert.True(result.Trusted, result.Detail);
        Assert.True(server.Requests >= 1);
    }

    [Fact]
    public void Unreachable_CRL_is_denied_as_revocation_unknown_by_default()
    {
        using var leaf = LeafWithCrl(CrlServer.ClosedUrl());

        var result = Validator().Validate(leaf);

        Assert.False(result.Trusted);
        Assert.Equal([ChainFailure.RevocationUnknown], result.Failures);
    }

    [Fact]
    public void Unreachable_CRL_is_allowed_when_unknown_revocation_is_allowed()
    {
        using var leaf = LeafWithCrl(CrlServer.ClosedUrl());

        var result = Validator(allowUnknown: true).Validate(leaf);

        Assert.True(result.Trusted, result.Detail);
    }

    [Fact]
    public void Revoked_leaf_stays_revoked_when_unknown_revocation_is_allowed()
    {
        var url = server.NewUrl();
        using var leaf = LeafWithCrl(url);
        PublishCrl(url, leaf);

        var result = Validator(allowUnknown: true).Validate(leaf);

        Assert.False(result.Trusted);
        Assert.Contains(ChainFailure.Revoked, result.Failures);
    }
}

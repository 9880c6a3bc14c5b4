using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;
using TppGate.Pki;
using TppGate.Testing.Revocation;

namespace TppGate.Core.Tests.Authorization;

/// <summary>
/// A cached verdict lives no longer than what it was judged on: every certificate of the chain in its period, and
/// the CRL that said "good" still current. The cache lifetime here is an hour, so a verdict that outlived its facts
/// would still be served minutes later; CRLs are served over real HTTP on 127.0.0.1.
/// </summary>
public sealed class VerdictLifetimeTests : IAsyncLifetime
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);

    private readonly CrlServer _server = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private QtspAuthority _root = null!;

    public ValueTask InitializeAsync()
    {
        var now = _time.GetUtcNow();
        _root = QtspAuthority.CreateRoot("Verdict Lifetime Test Root", now.AddYears(-1), now.AddYears(5));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _root.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void An_allow_ends_when_the_issuing_ca_expires_not_only_when_the_leaf_does()
    {
        var now = _time.GetUtcNow();
        using var issuing = _root.CreateIssuingCa("Short-lived Issuing CA", now.AddDays(-30), now.AddMinutes(10));
        var leaf = issuing.Issue(Profile());
        // The leaf outlives its issuer (OpenSSL does not require nesting); the anchors are the root alone.
        var verifier = Verifier(revocation: RevocationCheck.NoCheck);
        var header = PkiExport.Base64Der(leaf);
        var chain = PkiExport.Base64Der(issuing.Certificate);

        Assert.Null(Verify(verifier, header, chain).Failure);

        _time.Advance(TimeSpan.FromMinutes(10) + Skew + TimeSpan.FromSeconds(1));

        Assert.Equal(DenyCode.CertificateExpired, Verify(verifier, header, chain).Failure);
    }

    [Fact]
    public void An_allow_ends_when_the_crl_that_cleared_it_goes_stale()
    {
        var (url, verifier, header, chain) = CrlCleared(nextUpdateIn: TimeSpan.FromMinutes(10));

        Assert.Null(Warm(verifier, header, chain).Failure);

        // Past nextUpdate plus the grace, and the distribution point now serves nothing a parser accepts: a fresh
        // decision cannot know whether the certificate was revoked in the meantime.
        _server.Publish(url, []);
        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        Assert.Equal(DenyCode.ServiceUnavailable, Verify(verifier, header, chain).Failure);
    }

    [Fact]
    public void A_not_yet_valid_deny_ends_when_the_certificate_becomes_valid()
    {
        var now = _time.GetUtcNow();
        using var issuing = _root.CreateIssuingCa("Issuing CA");
        var leaf = issuing.Issue(Profile() with { NotBefore = now.AddMinutes(10) });
        var verifier = Verifier(revocation: RevocationCheck.NoCheck);
        var header = PkiExport.Base64Der(leaf);
        var chain = PkiExport.Base64Der(issuing.Certificate);

        Assert.Equal(DenyCode.CertificateExpired, Verify(verifier, header, chain).Failure);

        _time.Advance(TimeSpan.FromMinutes(10) - Skew + TimeSpan.FromSeconds(1));

        Assert.Null(Verify(verifier, header, chain).Failure);
    }

    [Fact]
    public void An_allow_is_still_served_from_the_cache_while_everything_it_was_judged_on_holds()
    {
        var (_, verifier, header, chain) = CrlCleared(nextUpdateIn: TimeSpan.FromDays(1));

        var warm = Warm(verifier, header, chain);
        var misses = verifier.CacheMisses;
        _time.Advance(TimeSpan.FromMinutes(30));
        var later = Verify(verifier, header, chain);

        Assert.Null(later.Failure);
        Assert.Same(warm, later);
        Assert.Equal(misses, verifier.CacheMisses);
    }

    // A leaf whose issuing CA publishes an empty CRL at a loopback URL, current for nextUpdateIn, with a 5-minute grace.
    private (string Url, CertificateVerifier Verifier, string Header, string Chain) CrlCleared(TimeSpan nextUpdateIn)
    {
        var url = _server.NewUrl();
        var now = _time.GetUtcNow();
        using var issuing = _root.CreateIssuingCa("CRL Issuing CA", publishesCrlAt: url);
        var leaf = issuing.Issue(Profile() with { CrlDistributionPoint = url });
        _server.Publish(url, issuing.PublishCrl([], now.AddHours(-1), now + nextUpdateIn));
        var verifier = Verifier(revocation: RevocationCheck.Online, crlGrace: TimeSpan.FromMinutes(5));
        return (url, verifier, PkiExport.Base64Der(leaf), PkiExport.Base64Der(issuing.Certificate));
    }

    // The first decision fetches the CRL, which moves the revocation generation past the one that decision was taken
    // under, so it is not served again (CertificateVerifier captures the generation first); the second is cached.
    private static ValidatedCertificate Warm(CertificateVerifier verifier, string header, string chain)
    {
        Verify(verifier, header, chain);
        var cached = Verify(verifier, header, chain);
        Assert.Same(cached, Verify(verifier, header, chain));
        return cached;
    }

    private static ValidatedCertificate Verify(CertificateVerifier verifier, string header, string chain)
    {
        var verdict = verifier.Verify(header, CertificateSourceFormat.Base64, $":{chain}:", out var deny);
        Assert.Null(deny);
        return verdict!;
    }

    private CertificateVerifier Verifier(RevocationCheck revocation, TimeSpan? crlGrace = null)
    {
        var chainOptions = new ChainValidationOptions
        {
            Revocation = revocation,
            ClockSkew = Skew,
            CrlGrace = crlGrace ?? TimeSpan.FromHours(1),
            RevocationTimeout = TimeSpan.FromSeconds(5),
        };
        var anchors = new StaticTrustAnchorProvider(new TrustAnchorSet([X509CertificateLoader.LoadCertificate(_root.Certificate.RawData)], _time.GetUtcNow(), "test"));
        var crls = revocation == RevocationCheck.NoCheck ? null : new CrlCache(chainOptions, _time, new HttpCrlDownloader(chainOptions));
        var validator = new ChainValidator(anchors, chainOptions, _time, crls);
        var options = new AuthorizerOptions { CertificateCacheTtl = TimeSpan.FromHours(1) };
        return new CertificateVerifier(validator, anchors, options, new CertificateReaderOptions(), _time);
    }

    private CertificateProfile Profile() => CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with
    {
        NotBefore = _time.GetUtcNow().AddDays(-10),
        NotAfter = _time.GetUtcNow().AddDays(300),
    };
}

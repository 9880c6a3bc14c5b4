using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Authorization;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;
using TppGate.Pki;
using TppGate.Testing.Revocation;

namespace TppGate.Core.Tests.Trust;

/// <summary>
/// QTSP revocation from the CRL cache (decision 0009): CRLs served over real HTTP on 127.0.0.1, fetched by
/// <see cref="HttpCrlDownloader"/>, verified against the issuing CA and checked by serial after the chain validated.
/// </summary>
public sealed class CrlCacheTests : IAsyncLifetime
{
    private readonly CrlServer _server = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private QtspAuthority _root = null!;
    private QtspAuthority _issuing = null!;

    public ValueTask InitializeAsync()
    {
        var now = _time.GetUtcNow();
        _root = QtspAuthority.CreateRoot("CRL Cache Test Root", now.AddYears(-1), now.AddYears(5));
        _issuing = _root.CreateIssuingCa("CRL Cache Test Issuing CA", pathLength: 1);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _issuing.Dispose();
        _root.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void A_leaf_on_its_issuers_crl_is_revoked_and_later_checks_need_no_network()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url, leaf);
        var (validator, cache) = Validator();
        Assert.Null(cache.OldestAge);

        Assert.Equal([ChainFailure.Revoked], validator.Validate(leaf).Failures);
        Assert.Equal([ChainFailure.Revoked], validator.Validate(leaf).Failures);
        Assert.Equal(1, _server.Requests);
        Assert.Equal(TimeSpan.FromHours(1), cache.OldestAge);
    }

    [Fact]
    public void A_leaf_absent_from_a_current_crl_is_trusted()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url, Leaf(url));

        var result = Validator().Validator.Validate(leaf);

        Assert.True(result.Trusted, result.Detail);
    }

    [Fact]
    public async Task Concurrent_first_checks_share_one_fetch()
    {
        var url = _server.NewUrl();
        var leaves = Enumerable.Range(0, 8).Select(_ => Leaf(url)).ToArray();
        Publish(url, leaves[0]);
        var (validator, _) = Validator();

        var results = await Task.WhenAll(leaves.Select(l => Task.Run(() => validator.Validate(l))));

        Assert.Equal([ChainFailure.Revoked], results[0].Failures);
        Assert.All(results[1..], r => Assert.True(r.Trusted, r.Detail));
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public void A_certificate_that_does_not_chain_to_an_anchor_never_causes_a_fetch()
    {
        using var stranger = QtspAuthority.CreateRoot("Stranger Root", _time.GetUtcNow().AddYears(-1), _time.GetUtcNow().AddYears(1));
        var url = _server.NewUrl();
        var leaf = stranger.Issue(Profile(url));

        var result = Validator().Validator.Validate(leaf);

        Assert.Equal([ChainFailure.Untrusted], result.Failures);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public void A_crl_past_next_update_plus_grace_is_unknown_and_denied_with_503_unless_allowed()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url);
        var (validator, _) = Validator();
        Assert.True(validator.Validate(leaf).Trusted);

        // nextUpdate is a day away; a day plus the one-hour grace plus a minute later the CRL is stale, and the
        // server now answers 404, so the one fetch the request may try fails too.
        _server.Publish(url, []);
        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var stale = validator.Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], stale.Failures);
        Assert.Equal(DenyCode.ServiceUnavailable, DenyCodes.FromChain(stale));
        Assert.Contains("stale", stale.Detail, StringComparison.Ordinal);

        var (lenient, _) = Validator(o => o.AllowUnknownRevocation = true);
        var allowed = lenient.Validate(leaf);
        Assert.True(allowed.Trusted);
        Assert.Contains("revocation unknown", allowed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crl_signed_by_another_key_is_not_used()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        // Same name as the issuing CA, another key: the CRL names the right issuer but its signature cannot verify.
        using var forger = QtspAuthority.CreateRoot("CRL Cache Test Issuing CA", _time.GetUtcNow().AddYears(-1), _time.GetUtcNow().AddYears(1));
        Assert.Equal(_issuing.Certificate.SubjectName.RawData, forger.Certificate.SubjectName.RawData);
        _server.Publish(url, forger.PublishCrl([], _time.GetUtcNow(), _time.GetUtcNow().AddDays(1)));

        var result = Validator().Validator.Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], result.Failures);
    }

    [Fact]
    public void A_leaf_naming_no_crl_is_certificate_invalid_unless_explicitly_allowed()
    {
        var leaf = _issuing.Issue(Profile(null));

        var refused = Validator().Validator.Validate(leaf);
        Assert.Equal([ChainFailure.NoRevocationSource], refused.Failures);
        Assert.Equal(DenyCode.CertificateInvalid, DenyCodes.FromChain(refused));

        Assert.True(Validator(o => o.AllowMissingRevocationSource = true).Validator.Validate(leaf).Trusted);
    }

    [Fact]
    public void A_crl_over_the_size_cap_is_not_used()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url, Enumerable.Range(0, 40).Select(_ => Leaf(url)).ToArray());

        var result = Validator(o => o.MaxCrlBytes = 512).Validator.Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], result.Failures);
    }

    [Fact]
    public void An_unreachable_crl_is_unknown_and_the_next_request_does_not_try_again_at_once()
    {
        var leaf = Leaf(CrlServer.ClosedUrl());
        var (validator, _) = Validator();

        Assert.Equal([ChainFailure.RevocationUnknown], validator.Validate(leaf).Failures);
        Assert.Equal([ChainFailure.RevocationUnknown], validator.Validate(leaf).Failures);
    }

    [Fact]
    public void Offline_mode_never_fetches_from_a_request()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url, leaf);

        var result = Validator(o => o.Revocation = RevocationCheck.Offline).Validator.Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], result.Failures);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public void A_second_instance_sharing_the_store_needs_no_network()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url, leaf);
        var store = new InMemoryCrlStore();
        Assert.Equal([ChainFailure.Revoked], Validator(store: store).Validator.Validate(leaf).Failures);

        var second = Validator(store: store).Validator.Validate(leaf);

        Assert.Equal([ChainFailure.Revoked], second.Failures);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task The_refresher_picks_up_a_new_revocation_and_an_older_crl_cannot_undo_it()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url);
        var (validator, cache) = Validator();
        Assert.True(validator.Validate(leaf).Trusted);
        var generation = cache.Generation;

        _time.Advance(TimeSpan.FromHours(1));
        _server.Publish(url, _issuing.PublishCrl([leaf], _time.GetUtcNow(), _time.GetUtcNow().AddDays(1), 2));
        Assert.Empty(await cache.RefreshAsync([], TestContext.Current.CancellationToken));
        Assert.NotEqual(generation, cache.Generation);
        Assert.Equal([ChainFailure.Revoked], validator.Validate(leaf).Failures);

        // A replayed CRL from before the revocation is verified, but older, so it is not taken.
        _server.Publish(url, _issuing.PublishCrl([], _time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddDays(1), 1));
        await cache.RefreshAsync([], TestContext.Current.CancellationToken);
        Assert.Equal([ChainFailure.Revoked], validator.Validate(leaf).Failures);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_ca_the_caller_forwards_is_checked_against_its_issuers_crl_too(bool subCaRevoked)
    {
        var issuingCrl = _server.NewUrl();
        var subCrl = _server.NewUrl();
        using var sub = _issuing.CreateIssuingCa("Forwarded Sub CA", crlDistributionPoint: issuingCrl, publishesCrlAt: subCrl);
        var leaf = sub.Issue(Profile(null));
        _server.Publish(issuingCrl, _issuing.PublishCrl(subCaRevoked ? [sub.Certificate] : [], _time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddDays(1)));
        _server.Publish(subCrl, sub.PublishCrl([], _time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddDays(1)));

        var result = Validator().Validator.Validate(leaf, [X509CertificateLoader.LoadCertificate(sub.Certificate.RawData)]);

        Assert.Equal(subCaRevoked ? [ChainFailure.Revoked] : [], result.Failures);
        Assert.Equal(2, _server.Requests);
    }

    private (ChainValidator Validator, CrlCache Cache) Validator(Action<ChainValidationOptions>? configure = null, ICrlStore? store = null)
    {
        var options = new ChainValidationOptions { RevocationTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        var cache = new CrlCache(options, _time, new HttpCrlDownloader(options), store);
        var anchors = new StaticTrustAnchorProvider(new TrustAnchorSet([X509CertificateLoader.LoadCertificate(_root.Certificate.RawData), X509CertificateLoader.LoadCertificate(_issuing.Certificate.RawData)], _time.GetUtcNow(), "test"));
        return (new ChainValidator(anchors, options, _time, cache), cache);
    }

    private CertificateProfile Profile(string? crlUrl) => CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with
    {
        NotBefore = _time.GetUtcNow().AddDays(-10),
        NotAfter = _time.GetUtcNow().AddDays(300),
        CrlDistributionPoint = crlUrl,
    };

    private X509Certificate2 Leaf(string url) => _issuing.Issue(Profile(url));

    private void Publish(string url, params X509Certificate2[] revoked)
        => _server.Publish(url, _issuing.PublishCrl(revoked, _time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddDays(1)));
}

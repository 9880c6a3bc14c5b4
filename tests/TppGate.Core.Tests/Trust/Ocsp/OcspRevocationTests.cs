using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Asn1;
using TppGate.Core.Authorization;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;
using TppGate.Core.Trust.Revocation.Ocsp;
using TppGate.Pki;
using TppGate.Testing.Revocation;

namespace TppGate.Core.Tests.Trust.Ocsp;

/// <summary>
/// OCSP as the fallback for QWACs without a CRL distribution point (decision 0017), against a real responder
/// (<c>openssl ocsp</c> on loopback) reached by <see cref="HttpOcspDownloader"/>, after the chain validated.
/// </summary>
public sealed class OcspRevocationTests : IDisposable
{
    private const string OcspSigning = "1.3.6.1.5.5.7.3.9";

    // OpenSSL stamps thisUpdate with the real clock: the test clock starts there.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly OpenSslOcspResponder _responder = new();
    private readonly QtspAuthority _root;
    private readonly QtspAuthority _issuing;

    public OcspRevocationTests()
    {
        var now = _time.GetUtcNow();
        _root = QtspAuthority.CreateRoot("OCSP Test Root", now.AddYears(-1), now.AddYears(5));
        _issuing = _root.CreateIssuingCa("OCSP Test Issuing CA", pathLength: 1);
    }

    public void Dispose()
    {
        _responder.Dispose();
        _issuing.Dispose();
        _root.Dispose();
    }

    [Fact]
    public async Task A_good_answer_is_trusted_and_cached_until_next_update()
    {
        var leaf = Leaf();
        await _responder.StartAsync(_issuing.Certificate, _issuing.Certificate, [leaf], [], TimeSpan.FromMinutes(30));
        var (validator, counter, cache) = Validator();

        Assert.True(validator.Validate(leaf).Trusted);
        Assert.True(validator.Validate(leaf).Trusted);
        Assert.Equal(1, counter.Requests);
        Assert.Equal(1, cache.Count);

        // Past nextUpdate the next check asks again.
        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.True(validator.Validate(leaf).Trusted);
        Assert.Equal(2, counter.Requests);
    }

    [Fact]
    public async Task A_revoked_answer_is_certificate_revoked_like_a_crl_revocation()
    {
        var leaf = Leaf();
        await _responder.StartAsync(_issuing.Certificate, _issuing.Certificate, [], [leaf], TimeSpan.FromMinutes(30));

        var result = Validator().Validator.Validate(leaf);

        Assert.True(result.Failures is [ChainFailure.Revoked], result.Detail);
        Assert.Equal(DenyCode.CertificateRevoked, DenyCodes.FromChain(result));
        Assert.Contains("OCSP", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_answer_is_denied_with_503_unless_unknown_revocation_is_allowed()
    {
        var leaf = Leaf();
        await _responder.StartAsync(_issuing.Certificate, _issuing.Certificate, [Leaf()], [], TimeSpan.FromMinutes(30));

        var denied = Validator().Validator.Validate(leaf);
        Assert.Equal([ChainFailure.RevocationUnknown], denied.Failures);
        Assert.Equal(DenyCode.ServiceUnavailable, DenyCodes.FromChain(denied));
        Assert.Contains("answers unknown", denied.Detail, StringComparison.Ordinal);

        var allowed = Validator(o => o.AllowUnknownRevocation = true).Validator.Validate(leaf);
        Assert.True(allowed.Trusted);
        Assert.Contains("AllowUnknownRevocation", allowed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_responder_that_is_down_is_503_by_default_and_allowed_with_a_finding_when_configured()
    {
        var leaf = Leaf(OpenSslOcspResponder.ClosedUrl());

        var denied = Validator().Validator.Validate(leaf);
        Assert.Equal([ChainFailure.RevocationUnknown], denied.Failures);
        Assert.Equal(DenyCode.ServiceUnavailable, DenyCodes.FromChain(denied));
        Assert.Contains("did not answer", denied.Detail, StringComparison.Ordinal);

        var allowed = Validator(o => o.AllowUnknownRevocation = true).Validator.Validate(leaf);
        Assert.True(allowed.Trusted);
        Assert.Contains("revocation unknown", allowed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_responder_that_never_answers_is_bounded_by_the_revocation_timeout_and_not_asked_again_at_once()
    {
        // The kernel completes the connection; nobody reads the request or answers it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var leaf = Leaf($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        var (validator, counter, _) = Validator(o => o.RevocationTimeout = TimeSpan.FromMilliseconds(500));

        var first = validator.Validate(leaf);
        var second = validator.Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], first.Failures);
        Assert.Equal([ChainFailure.RevocationUnknown], second.Failures);
        Assert.Equal(1, counter.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_delegated_responder_the_issuer_certified_with_the_ocsp_signing_eku_is_accepted(bool byKey)
    {
        using var responder = _issuing.Issue(ResponderProfile([OcspSigning]));
        var leaf = Leaf();
        await _responder.StartAsync(_issuing.Certificate, responder, [], [leaf], TimeSpan.FromMinutes(30), byKey);

        Assert.Equal([ChainFailure.Revoked], Validator().Validator.Validate(leaf).Failures);
    }

    [Fact]
    public async Task A_delegated_responder_without_the_ocsp_signing_eku_is_refused()
    {
        using var responder = _issuing.Issue(ResponderProfile([Oids.ClientAuth]));
        var leaf = Leaf();
        await _responder.StartAsync(_issuing.Certificate, responder, [leaf], [], TimeSpan.FromMinutes(30));

        var result = Validator().Validator.Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], result.Failures);
        Assert.Contains("lacks id-kp-OCSPSigning", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_responder_certified_by_another_ca_is_refused()
    {
        using var stranger = QtspAuthority.CreateRoot("OCSP Stranger Root", _time.GetUtcNow().AddYears(-1), _time.GetUtcNow().AddYears(1));
        using var responder = stranger.Issue(ResponderProfile([OcspSigning]));
        var leaf = Leaf();
        await _responder.StartAsync(_issuing.Certificate, responder, [leaf], [], TimeSpan.FromMinutes(30));

        var result = Validator().Validator.Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], result.Failures);
        Assert.Contains("not issued by the certificate's issuer", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stale_answer_is_refused_and_a_cached_one_serves_only_for_the_grace()
    {
        var leaf = Leaf();
        await _responder.StartAsync(_issuing.Certificate, _issuing.Certificate, [leaf], [], TimeSpan.FromMinutes(1));
        var (validator, counter, _) = Validator();
        Assert.True(validator.Validate(leaf).Trusted);

        // Past nextUpdate, within the one-hour grace: the responder's new answer is stale by this clock, so the
        // cached answer still serves.
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.True(validator.Validate(leaf).Trusted);
        Assert.Equal(2, counter.Requests);

        // Past nextUpdate plus the grace, with only stale answers to be had: unknown, 503.
        _time.Advance(TimeSpan.FromMinutes(32));
        var stale = validator.Validate(leaf);
        Assert.Equal([ChainFailure.RevocationUnknown], stale.Failures);
        Assert.Contains("stale", stale.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_without_next_update_is_used_for_one_grace_period()
    {
        var leaf = Leaf();
        await _responder.StartAsync(_issuing.Certificate, _issuing.Certificate, [leaf], [], validFor: null);
        var (validator, counter, _) = Validator();

        Assert.True(validator.Validate(leaf).Trusted);
        Assert.True(validator.Validate(leaf).Trusted);
        Assert.Equal(1, counter.Requests);

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Equal([ChainFailure.RevocationUnknown], validator.Validate(leaf).Failures);
    }

    [Fact]
    public void A_certificate_that_does_not_chain_to_an_anchor_never_causes_a_request()
    {
        using var stranger = QtspAuthority.CreateRoot("OCSP Stranger Root", _time.GetUtcNow().AddYears(-1), _time.GetUtcNow().AddYears(1));
        var leaf = stranger.Issue(Profile(_responder.Url));
        var (validator, counter, _) = Validator();

        Assert.Equal([ChainFailure.Untrusted], validator.Validate(leaf).Failures);
        Assert.Equal(0, counter.Requests);
    }

    [Fact]
    public async Task A_certificate_with_a_crl_distribution_point_keeps_using_its_crl()
    {
        await using var crls = new CrlServer();
        var crlUrl = crls.NewUrl();
        var leaf = _issuing.Issue(Profile(_responder.Url) with { OmitCrlDistributionPoint = false, CrlDistributionPoint = crlUrl });
        crls.Publish(crlUrl, _issuing.PublishCrl([leaf], _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddDays(1)));
        var (validator, counter, _) = Validator();

        Assert.Equal([ChainFailure.Revoked], validator.Validate(leaf).Failures);
        Assert.Equal(1, crls.Requests);
        Assert.Equal(0, counter.Requests);
    }

    [Fact]
    public void A_certificate_naming_no_revocation_source_is_certificate_invalid_unless_explicitly_allowed()
    {
        var leaf = _issuing.Issue(Profile(null));

        var refused = Validator().Validator.Validate(leaf);
        Assert.Equal([ChainFailure.NoRevocationSource], refused.Failures);
        Assert.Equal(DenyCode.CertificateInvalid, DenyCodes.FromChain(refused));
        Assert.Contains("neither", refused.Detail, StringComparison.Ordinal);

        Assert.True(Validator(o => o.AllowMissingRevocationSource = true).Validator.Validate(leaf).Trusted);
    }

    [Fact]
    public void Offline_mode_never_asks_a_responder_from_a_request()
    {
        var leaf = Leaf();
        var (validator, counter, _) = Validator(o => o.Revocation = RevocationCheck.Offline);

        Assert.Equal([ChainFailure.RevocationUnknown], validator.Validate(leaf).Failures);
        Assert.Equal(0, counter.Requests);
    }

    [Fact]
    public void A_changed_status_changes_the_generation_and_an_older_answer_cannot_undo_a_revocation()
    {
        var leaf = Leaf();
        var id = OcspCertId.For(leaf, _issuing.Certificate);
        var now = _time.GetUtcNow();
        var answer = new OcspResponseFactory(_issuing.Certificate, id, now.AddMinutes(-1)) { NextUpdate = now.AddMinutes(10) }.Build();
        var (validator, _, cache) = Validator(downloader: new FixedOcspDownloader(() => answer));
        Assert.True(validator.Validate(leaf).Trusted);
        var generation = validator.RevocationGeneration;

        _time.Advance(TimeSpan.FromMinutes(11));
        answer = new OcspResponseFactory(_issuing.Certificate, id, _time.GetUtcNow().AddMinutes(-1)) { Status = 1, NextUpdate = _time.GetUtcNow().AddMinutes(10) }.Build();
        Assert.Equal([ChainFailure.Revoked], validator.Validate(leaf).Failures);
        Assert.NotEqual(generation, validator.RevocationGeneration);

        // A replayed "good" from before the revocation verifies, but is older: the revocation stands.
        _time.Advance(TimeSpan.FromMinutes(11));
        answer = new OcspResponseFactory(_issuing.Certificate, id, now.AddMinutes(-1)) { NextUpdate = _time.GetUtcNow().AddMinutes(10) }.Build();
        Assert.Equal([ChainFailure.Revoked], validator.Validate(leaf).Failures);
        Assert.Equal(1, cache.Count);
    }

    [Theory]
    [InlineData("another serial", "does not answer for serial")]
    [InlineData("tampered signature", "does not verify")]
    [InlineData("signed by another key", "does not verify")]
    [InlineData("thisUpdate in the future", "in the future")]
    [InlineData("critical extension", "critical extension")]
    public void A_crafted_response_is_refused_and_the_state_is_unknown(string crafted, string reason)
    {
        var leaf = Leaf();
        var id = OcspCertId.For(leaf, _issuing.Certificate);
        var now = _time.GetUtcNow();
        using var forger = QtspAuthority.CreateRoot("OCSP Test Issuing CA", now.AddYears(-1), now.AddYears(1));
        var good = new OcspResponseFactory(_issuing.Certificate, id, now.AddMinutes(-1)) { NextUpdate = now.AddMinutes(10) };
        var response = (crafted switch
        {
            "another serial" => good with { Serial = [0x7f, 1, 2, 3] },
            "tampered signature" => good with { TamperSignature = true },
            "signed by another key" => good with { Signer = forger.Certificate },
            "thisUpdate in the future" => good with { ThisUpdate = now.AddMinutes(10), NextUpdate = now.AddMinutes(20) },
            _ => good with { CriticalExtension = "1.2.3.4" },
        }).Build();

        var result = Validator(downloader: new FixedOcspDownloader(() => response)).Validator.Validate(leaf);

        Assert.Equal([ChainFailure.RevocationUnknown], result.Failures);
        Assert.Contains(reason, result.Detail, StringComparison.Ordinal);
    }

    private (ChainValidator Validator, CountingOcspDownloader Counter, OcspCache Cache) Validator(Action<ChainValidationOptions>? configure = null, IOcspDownloader? downloader = null)
    {
        var options = new ChainValidationOptions { RevocationTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        var counter = new CountingOcspDownloader(downloader ?? new HttpOcspDownloader(options));
        var ocsp = new OcspCache(options, _time, counter);
        var crls = new CrlCache(options, _time, new HttpCrlDownloader(options));
        var anchors = new StaticTrustAnchorProvider(new TrustAnchorSet([X509CertificateLoader.LoadCertificate(_root.Certificate.RawData), X509CertificateLoader.LoadCertificate(_issuing.Certificate.RawData)], _time.GetUtcNow(), "test"));
        return (new ChainValidator(anchors, options, _time, crls, ocsp), counter, ocsp);
    }

    private CertificateProfile Profile(string? ocspUrl) => CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with
    {
        NotBefore = _time.GetUtcNow().AddDays(-10),
        NotAfter = _time.GetUtcNow().AddDays(300),
        OmitCrlDistributionPoint = true,
        OcspUrl = ocspUrl,
    };

    private CertificateProfile ResponderProfile(IReadOnlyList<string> ekus) => new()
    {
        CommonName = $"OCSP Responder {Guid.NewGuid():N}",
        OrganizationIdentifier = null,
        IncludeQcStatements = false,
        Policies = [],
        ExtendedKeyUsages = ekus,
        NotBefore = _time.GetUtcNow().AddDays(-1),
        NotAfter = _time.GetUtcNow().AddDays(30),
        OmitCrlDistributionPoint = true,
    };

    private X509Certificate2 Leaf(string? url = null) => _issuing.Issue(Profile(url ?? _responder.Url));
}

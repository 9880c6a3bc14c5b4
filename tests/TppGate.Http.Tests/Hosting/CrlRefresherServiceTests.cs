using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;
using TppGate.Http.Hosting;
using TppGate.Pki;
using TppGate.Testing.Revocation;

namespace TppGate.Http.Tests.Hosting;

/// <summary>
/// The refresher keeps the CRLs of the anchor set's own CAs from its first round (decision 0016): each CA that
/// another CA of the set issued has its distribution point fetched over real HTTP and verified against that issuer,
/// before any request needs it; a revoked CA of the set is reported.
/// </summary>
public sealed class CrlRefresherServiceTests : IAsyncDisposable
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly CrlServer _server = new();
    private readonly QtspAuthority _root;

    public CrlRefresherServiceTests() => _root = QtspAuthority.CreateRoot("Refresher Test Root", _now.AddYears(-1), _now.AddYears(5));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _root.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_first_round_caches_the_crl_of_each_intermediate_of_the_anchor_set_verified_against_its_anchor()
    {
        var url = _server.NewUrl();
        using var intermediate = _root.CreateIssuingCa("Refresher Test Issuing CA", pathLength: 1, crlDistributionPoint: url);
        _server.Publish(url, _root.PublishCrl([], _now.AddHours(-1), _now.AddDays(1)));
        var (refresher, cache, logs) = Refresher(intermediate.Certificate);

        await refresher.RefreshOnceAsync(Ct);

        Assert.Equal(1, _server.Requests);
        Assert.Equal(RevocationState.Good, cache.Check(Public(intermediate.Certificate), Public(_root.Certificate), allowFetch: false).State);

        // A forwarded CA under the same anchor names the same distribution point: a request finds it cached.
        using var forwarded = _root.CreateIssuingCa("Forwarded CA", pathLength: 0, crlDistributionPoint: url);
        Assert.Equal(RevocationState.Good, cache.Check(Public(forwarded.Certificate), Public(_root.Certificate), allowFetch: false).State);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_revoked_intermediate_of_the_set_is_reported_and_a_crl_signed_by_another_key_is_not_cached()
    {
        var revokedUrl = _server.NewUrl();
        var forgedUrl = _server.NewUrl();
        using var revoked = _root.CreateIssuingCa("Refresher Revoked CA", pathLength: 1, crlDistributionPoint: revokedUrl);
        using var other = _root.CreateIssuingCa("Refresher Other CA", pathLength: 1, crlDistributionPoint: forgedUrl);
        using var lookAlike = QtspAuthority.CreateRoot("Refresher Test Root", _now.AddYears(-1), _now.AddYears(5));
        _server.Publish(revokedUrl, _root.PublishCrl([revoked.Certificate], _now.AddHours(-1), _now.AddDays(1)));
        _server.Publish(forgedUrl, lookAlike.PublishCrl([], _now.AddHours(-1), _now.AddDays(1)));
        var (refresher, cache, logs) = Refresher(revoked.Certificate, other.Certificate);

        await refresher.RefreshOnceAsync(Ct);

        Assert.Equal(RevocationState.Revoked, cache.Check(Public(revoked.Certificate), Public(_root.Certificate), allowFetch: false).State);
        Assert.Equal(RevocationState.Unknown, cache.Check(Public(other.Certificate), Public(_root.Certificate), allowFetch: false).State);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Refresher Revoked CA", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Refresher Other CA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_anchor_set_with_no_issuer_for_a_ca_fetches_nothing_for_it()
    {
        var url = _server.NewUrl();
        using var intermediate = _root.CreateIssuingCa("Refresher Orphan CA", pathLength: 1, crlDistributionPoint: url);
        _server.Publish(url, _root.PublishCrl([], _now.AddHours(-1), _now.AddDays(1)));
        var options = new ChainValidationOptions();
        var cache = new CrlCache(options, TimeProvider.System, new HttpCrlDownloader(options));
        var anchors = new StaticTrustAnchorProvider(new TrustAnchorSet([Public(intermediate.Certificate)], [Public(intermediate.Certificate)], _now, "test"));
        using var refresher = new CrlRefresherService(cache, anchors, options, TimeProvider.System, new CapturingLogger());

        await refresher.RefreshOnceAsync(Ct);

        Assert.Equal(0, _server.Requests);
    }

    private (CrlRefresherService Refresher, CrlCache Cache, CapturingLogger Logs) Refresher(params X509Certificate2[] intermediates)
    {
        var options = new ChainValidationOptions();
        var cache = new CrlCache(options, TimeProvider.System, new HttpCrlDownloader(options));
        var anchors = new StaticTrustAnchorProvider(new TrustAnchorSet([Public(_root.Certificate), .. intermediates.Select(Public)], _now, "test"));
        var logs = new CapturingLogger();
        return (new CrlRefresherService(cache, anchors, options, TimeProvider.System, logs), cache, logs);
    }

    private static X509Certificate2 Public(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    private sealed class CapturingLogger : ILogger<CrlRefresherService>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}

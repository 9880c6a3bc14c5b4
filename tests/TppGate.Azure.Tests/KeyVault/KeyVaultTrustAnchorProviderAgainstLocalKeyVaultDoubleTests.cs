using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TppGate.Azure.KeyVault;

namespace TppGate.Azure.Tests.KeyVault;

public sealed class KeyVaultTrustAnchorProviderAgainstLocalKeyVaultDoubleTests : IAsyncLifetime, IDisposable
{
    private static readonly Dictionary<string, string> AnchorTag = new() { ["tppgate-trust-anchor"] = "true" };

    private readonly X509Certificate2 _rootA = TestCertificates.CreateRoot("Root A");
    private readonly X509Certificate2 _rootB = TestCertificates.CreateRoot("Root B");
    private readonly X509Certificate2 _intermediateA;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StaticTokenCredential _credential = new();
    private readonly KeyVaultTrustAnchorOptions _options = new() { MaxRetries = 1 };
    private FakeKeyVaultServer _vault = null!;
    private KeyVaultTrustAnchorProvider _provider = null!;

    public KeyVaultTrustAnchorProviderAgainstLocalKeyVaultDoubleTests() =>
        _intermediateA = TestCertificates.CreateIntermediate("Intermediate A", _rootA);

    public async ValueTask InitializeAsync()
    {
        _vault = await FakeKeyVaultServer.StartAsync(TestContext.Current.CancellationToken);
        _options.VaultUri = _vault.VaultUri;
        var clientOptions = KeyVaultClientOptions.Create(_options);
        // Short back-off keeps the retry tests quick; the retry count and mode are the adapter's own.
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(10);
        clientOptions.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        _provider = new KeyVaultTrustAnchorProvider(
            _vault.CreateClient(_credential, clientOptions),
            Options.Create(_options),
            _time,
            NullLogger<KeyVaultTrustAnchorProvider>.Instance);
    }

    public async ValueTask DisposeAsync() => await _vault.DisposeAsync();

    public void Dispose()
    {
        _provider?.Dispose();
        _rootA.Dispose();
        _rootB.Dispose();
        _intermediateA.Dispose();
    }

    [Fact]
    public async Task Initial_load_takes_only_enabled_tagged_pem_secrets_across_pages()
    {
        using var keyHolder = ECDsa.Create();
        var rootC = TestCertificates.CreateRoot("Root C");
        _vault.SetSecret("a-root", TestCertificates.Pem(_rootA), tags: AnchorTag);
        _vault.SetSecret("b-intermediate", TestCertificates.Pem(_intermediateA), tags: AnchorTag);
        _vault.SetSecret("c-untagged-root", TestCertificates.Pem(_rootB));
        _vault.SetSecret("d-disabled-root", TestCertificates.Pem(rootC), tags: AnchorTag, enabled: false);
        _vault.SetSecret("e-wrong-tag-value", TestCertificates.Pem(rootC), tags: new Dictionary<string, string> { ["tppgate-trust-anchor"] = "false" });
        _vault.SetSecret("f-certificate-backed", TestCertificates.Pem(rootC), contentType: "application/x-pkcs12", tags: AnchorTag, managed: true);
        _vault.SetSecret("g-with-private-key", TestCertificates.Pem(rootC) + "\n" + keyHolder.ExportPkcs8PrivateKeyPem(), tags: AnchorTag);

        var result = await _provider.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal(2, result.RejectedSecretCount);
        var set = Assert.IsType<Core.Trust.TrustAnchorSet>(_provider.Current);
        Assert.Equal(_rootA.Thumbprint, Assert.Single(set.Anchors).Thumbprint);
        Assert.Equal(_intermediateA.Thumbprint, Assert.Single(set.Intermediates).Thumbprint);
        Assert.Equal(_time.GetUtcNow(), set.LoadedAt);
        Assert.Equal(_vault.VaultUri.AbsoluteUri, set.Source);
        // Seven secrets at two per page: four list pages were followed through nextLink.
        Assert.Equal(4, _vault.Requests.Count(r => r == "GET /secrets"));
        var fetched = _vault.Requests.Where(r => r.StartsWith("GET /secrets/", StringComparison.Ordinal)).ToList();
        Assert.Contains(fetched, r => r.Contains("a-root", StringComparison.Ordinal));
        Assert.DoesNotContain(fetched, r => r.Contains("c-untagged", StringComparison.Ordinal) || r.Contains("d-disabled", StringComparison.Ordinal) || r.Contains("f-certificate-backed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_picks_up_a_new_anchor()
    {
        _vault.SetSecret("root-a", TestCertificates.Pem(_rootA), tags: AnchorTag);
        await _provider.RefreshAsync(TestContext.Current.CancellationToken);
        _vault.SetSecret("root-b", TestCertificates.Pem(_rootB), tags: AnchorTag);
        _time.Advance(TimeSpan.FromMinutes(5));

        var result = await _provider.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        var set = _provider.Current!;
        Assert.Equal(2, set.Anchors.Count);
        Assert.Contains(set.Anchors, c => c.Thumbprint == _rootB.Thumbprint);
        Assert.Equal(_time.GetUtcNow(), set.LoadedAt);
    }

    [Theory]
    [InlineData(503, TrustAnchorRefreshFailure.VaultUnavailable)]
    [InlineData(500, TrustAnchorRefreshFailure.VaultUnavailable)]
    [InlineData(429, TrustAnchorRefreshFailure.Throttled)]
    [InlineData(403, TrustAnchorRefreshFailure.AccessDenied)]
    public async Task Last_known_good_set_is_kept_when_key_vault_fails(int status, TrustAnchorRefreshFailure expected)
    {
        _vault.SetSecret("root-a", TestCertificates.Pem(_rootA), tags: AnchorTag);
        await _provider.RefreshAsync(TestContext.Current.CancellationToken);
        var good = _provider.Current;
        _vault.Fail(status, retryAfterSeconds: status == 429 ? "0" : null);
        var before = _vault.Requests.Count;

        var result = await _provider.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Equal(expected, result.Failure);
        Assert.Equal(status, result.StatusCode);
        Assert.Same(good, _provider.Current);
        Assert.Equal(1, _provider.ConsecutiveFailures);
        var tries = _vault.Requests.Count - before;
        // 429 and 5xx are retried once (MaxRetries = 1); 403 is final.
        Assert.Equal(status == 403 ? 1 : 2, tries);
    }

    [Fact]
    public async Task A_vault_left_without_tagged_roots_does_not_replace_the_last_good_set()
    {
        _vault.SetSecret("root-a", TestCertificates.Pem(_rootA), tags: AnchorTag);
        await _provider.RefreshAsync(TestContext.Current.CancellationToken);
        var good = _provider.Current;
        _vault.RemoveSecret("root-a");
        _vault.SetSecret("intermediate-a", TestCertificates.Pem(_intermediateA), tags: AnchorTag);

        var result = await _provider.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.Equal(TrustAnchorRefreshFailure.NoAnchors, result.Failure);
        Assert.Same(good, _provider.Current);
    }

    [Fact]
    public async Task A_provider_that_never_loaded_has_no_set_and_reports_unhealthy()
    {
        _vault.Fail(500);

        var result = await _provider.RefreshAsync(TestContext.Current.CancellationToken);
        var health = await HealthCheck().CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(TrustAnchorRefreshFailure.VaultUnavailable, result.Failure);
        Assert.Null(_provider.Current);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("VaultUnavailable", health.Data["lastFailure"]);
    }

    [Fact]
    public async Task Bearer_challenge_is_answered_once_with_a_token_for_the_vault_scope()
    {
        _vault.SetSecret("root-a", TestCertificates.Pem(_rootA), tags: AnchorTag);

        await _provider.RefreshAsync(TestContext.Current.CancellationToken);
        await _provider.RefreshAsync(TestContext.Current.CancellationToken);

        // The SDK caches the challenge: one 401 for the client's life, then every request carries the token.
        Assert.Equal(1, _vault.ChallengeCount);
        Assert.NotEmpty(_credential.RequestedScopes);
        Assert.All(_credential.RequestedScopes, s => Assert.Equal("https://vault.azure.net/.default", s));
        Assert.NotNull(_provider.Current);
    }

    [Fact]
    public async Task Health_reports_count_and_age_and_turns_degraded_when_refreshes_keep_failing()
    {
        _vault.SetSecret("root-a", TestCertificates.Pem(_rootA, _intermediateA), tags: AnchorTag);
        await _provider.RefreshAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(2));

        var fresh = await HealthCheck().CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        _vault.Fail(503);
        _time.Advance(TimeSpan.FromMinutes(14));
        await _provider.RefreshAsync(TestContext.Current.CancellationToken);
        var stale = await HealthCheck().CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(1, fresh.Data["anchors"]);
        Assert.Equal(1, fresh.Data["intermediates"]);
        Assert.Equal(120d, fresh.Data["ageSeconds"]);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Equal(960d, stale.Data["ageSeconds"]);
        Assert.Equal(1, stale.Data["consecutiveFailures"]);
    }

    [Fact]
    public async Task Refresh_service_loads_at_start_and_reloads_after_the_jittered_interval()
    {
        _vault.SetSecret("root-a", TestCertificates.Pem(_rootA), tags: AnchorTag);
        using var service = new KeyVaultTrustAnchorRefreshService(_provider, _time, NullLogger<KeyVaultTrustAnchorRefreshService>.Instance);
        var cancellationToken = TestContext.Current.CancellationToken;

        await service.StartAsync(cancellationToken);
        await WaitUntilAsync(() => _provider.Current is not null, cancellationToken);
        _vault.SetSecret("root-b", TestCertificates.Pem(_rootB), tags: AnchorTag);

        // Advance the clock in small steps until the second load shows: the service arms its timer on its own
        // thread, so one big step could land before the timer exists. Fake time only moves when we move it.
        var advanced = TimeSpan.Zero;
        var step = TimeSpan.FromSeconds(15);
        while (_provider.Current!.Anchors.Count != 2 && advanced < TimeSpan.FromMinutes(20))
        {
            _time.Advance(step);
            advanced += step;
            await Task.Delay(20, cancellationToken);
        }

        // Not before the shortest jittered wait (80% of 5 minutes), and soon after the longest (120%).
        Assert.Equal(2, _provider.Current!.Anchors.Count);
        Assert.InRange(advanced, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8));
        await service.StopAsync(cancellationToken);
    }

    [Fact]
    public void Jittered_delays_stay_within_the_configured_band_and_retry_sooner_before_the_first_load()
    {
        var delays = Enumerable.Range(0, 200).Select(_ => _provider.NextRefreshDelay()).ToList();

        // Nothing loaded yet: the initial retry interval (30 s) applies.
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(24), TimeSpan.FromSeconds(36)));
        Assert.True(delays.Distinct().Count() > 1);
    }

    private KeyVaultTrustAnchorHealthCheck HealthCheck() => new(_provider, Options.Create(_options), _time);

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

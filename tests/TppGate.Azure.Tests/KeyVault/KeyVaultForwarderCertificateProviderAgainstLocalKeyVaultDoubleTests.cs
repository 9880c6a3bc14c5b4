using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TppGate.Azure.KeyVault;

namespace TppGate.Azure.Tests.KeyVault;

/// <summary>
/// APIM's client certificate (the trusted forwarder) read from Key Vault certificates through the real
/// Azure.Security.KeyVault.Certificates client, against the local HTTPS double of the Key Vault REST API.
/// </summary>
public sealed class KeyVaultForwarderCertificateProviderAgainstLocalKeyVaultDoubleTests : IAsyncLifetime, IDisposable
{
    private const string Name = "apim-backend-client";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly StaticTokenCredential _credential = new();
    private readonly KeyVaultForwarderCertificateOptions _options = new() { CertificateName = Name, MaxRetries = 0 };
    private readonly X509Certificate2 _first = TestCertificates.CreateRoot("APIM client 2026");
    private readonly X509Certificate2 _second = TestCertificates.CreateRoot("APIM client 2027");
    private FakeKeyVaultServer _vault = null!;
    private KeyVaultForwarderCertificateProvider _provider = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sha256(X509Certificate2 certificate) => Convert.ToHexStringLower(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));

    public async ValueTask InitializeAsync()
    {
        _vault = await FakeKeyVaultServer.StartAsync(Ct);
        _options.VaultUri = _vault.VaultUri;
        _provider = new KeyVaultForwarderCertificateProvider(
            _vault.CreateCertificateClient(_credential, KeyVaultForwarderCertificateServiceCollectionExtensions.CreateClientOptions(_options)),
            Options.Create(_options),
            _time,
            NullLogger<KeyVaultForwarderCertificateProvider>.Instance);
    }

    public async ValueTask DisposeAsync() => await _vault.DisposeAsync();

    public void Dispose()
    {
        _provider?.Dispose();
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task Current_version_thumbprint_is_trusted_after_the_first_read_and_nothing_before()
    {
        _vault.AddCertificateVersion(Name, _first, _time.GetUtcNow().AddDays(-30));
        Assert.Empty(_provider.Sha256Thumbprints);

        Assert.True(await _provider.RefreshAsync(Ct));

        Assert.Equal([Sha256(_first)], _provider.Sha256Thumbprints);
        Assert.Contains("GET /certificates/" + Name, _vault.Requests.Select(r => r.TrimEnd('/')));
        Assert.Contains("https://vault.azure.net/.default", _credential.RequestedScopes);
    }

    [Fact]
    public async Task Rotation_in_key_vault_trusts_the_new_version_keeps_the_old_during_the_overlap_then_drops_it()
    {
        _vault.AddCertificateVersion(Name, _first, _time.GetUtcNow().AddDays(-30));
        await _provider.RefreshAsync(Ct);

        _vault.AddCertificateVersion(Name, _second, _time.GetUtcNow());
        await _provider.RefreshAsync(Ct);
        var duringOverlap = _provider.Sha256Thumbprints.Order().ToArray();
        _time.Advance(_options.PreviousVersionOverlap + TimeSpan.FromMinutes(1));
        await _provider.RefreshAsync(Ct);

        Assert.Equal(new[] { Sha256(_first), Sha256(_second) }.Order(), duringOverlap);
        Assert.Equal([Sha256(_second)], _provider.Sha256Thumbprints);
    }

    [Fact]
    public async Task Disabling_the_old_version_in_key_vault_ends_its_trust_at_once_even_inside_the_overlap()
    {
        var old = _vault.AddCertificateVersion(Name, _first, _time.GetUtcNow().AddDays(-30));
        _vault.AddCertificateVersion(Name, _second, _time.GetUtcNow());
        await _provider.RefreshAsync(Ct);
        Assert.Equal(2, _provider.Sha256Thumbprints.Count);

        _vault.SetCertificateVersionEnabled(Name, old, enabled: false);
        await _provider.RefreshAsync(Ct);

        Assert.Equal([Sha256(_second)], _provider.Sha256Thumbprints);
    }

    [Fact]
    public async Task Overlap_zero_trusts_only_the_current_version()
    {
        _options.PreviousVersionOverlap = TimeSpan.Zero;
        _vault.AddCertificateVersion(Name, _first, _time.GetUtcNow().AddDays(-30));
        _vault.AddCertificateVersion(Name, _second, _time.GetUtcNow());

        await _provider.RefreshAsync(Ct);

        Assert.Equal([Sha256(_second)], _provider.Sha256Thumbprints);
    }

    [Fact]
    public async Task Disabled_current_version_or_deleted_certificate_trusts_nobody()
    {
        var current = _vault.AddCertificateVersion(Name, _first, _time.GetUtcNow().AddDays(-30));
        await _provider.RefreshAsync(Ct);

        _vault.SetCertificateVersionEnabled(Name, current, enabled: false);
        Assert.True(await _provider.RefreshAsync(Ct));
        var afterDisable = _provider.Sha256Thumbprints.Count;
        _vault.SetCertificateVersionEnabled(Name, current, enabled: true);
        await _provider.RefreshAsync(Ct);
        _vault.RemoveCertificate(Name);
        Assert.True(await _provider.RefreshAsync(Ct));

        Assert.Equal(0, afterDisable);
        Assert.Empty(_provider.Sha256Thumbprints);
    }

    [Fact]
    public async Task Key_vault_failing_keeps_the_last_thumbprints_and_recovers()
    {
        _vault.AddCertificateVersion(Name, _first, _time.GetUtcNow().AddDays(-30));
        await _provider.RefreshAsync(Ct);

        _vault.Fail(503);
        var failed = await _provider.RefreshAsync(Ct);
        var kept = _provider.Sha256Thumbprints.ToArray();
        _vault.Heal();
        _vault.AddCertificateVersion(Name, _second, _time.GetUtcNow().AddDays(-10));
        _options.PreviousVersionOverlap = TimeSpan.Zero;
        var recovered = await _provider.RefreshAsync(Ct);

        Assert.False(failed);
        Assert.Equal([Sha256(_first)], kept);
        Assert.True(recovered);
        Assert.Equal([Sha256(_second)], _provider.Sha256Thumbprints);
    }

    [Fact]
    public async Task Key_vault_failing_during_a_rotation_still_ends_the_old_versions_trust_when_the_overlap_ends()
    {
        _vault.AddCertificateVersion(Name, _first, _time.GetUtcNow().AddDays(-30));
        _vault.AddCertificateVersion(Name, _second, _time.GetUtcNow());
        await _provider.RefreshAsync(Ct);
        Assert.Equal(2, _provider.Sha256Thumbprints.Count);

        _vault.Fail(503);
        _time.Advance(_options.PreviousVersionOverlap + TimeSpan.FromMinutes(1));
        var failed = await _provider.RefreshAsync(Ct);

        Assert.False(failed);
        Assert.Equal([Sha256(_second)], _provider.Sha256Thumbprints);
    }

    [Fact]
    public async Task Key_vault_failing_keeps_no_version_past_its_expiry()
    {
        _vault.AddCertificateVersion(Name, _first, _time.GetUtcNow().AddDays(-30));
        await _provider.RefreshAsync(Ct);

        _vault.Fail(503);
        _time.SetUtcNow(_first.NotAfter.ToUniversalTime().AddMinutes(1));

        Assert.Empty(_provider.Sha256Thumbprints);
        Assert.False(await _provider.RefreshAsync(Ct));
        Assert.Empty(_provider.Sha256Thumbprints);
    }

    [Fact]
    public async Task Key_vault_unreachable_before_the_first_read_trusts_nobody_and_retries_soon()
    {
        _vault.Fail(500);

        Assert.False(await _provider.RefreshAsync(Ct));

        Assert.Empty(_provider.Sha256Thumbprints);
        Assert.Equal(_options.InitialRetryInterval, _provider.NextRefreshDelay());
    }
}

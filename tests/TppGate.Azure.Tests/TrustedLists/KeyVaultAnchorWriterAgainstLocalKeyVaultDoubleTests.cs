using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TppGate.Azure.KeyVault;
using TppGate.Azure.Tests.KeyVault;
using TppGate.Azure.TrustedLists;
using TppGate.Core.Trust.TrustedLists;
using TppGate.Testing.TrustedLists;

namespace TppGate.Azure.Tests.TrustedLists;

/// <summary>The trusted-list anchor writer against the local Key Vault HTTPS double (FakeKeyVaultServer), with lists signed in code.</summary>
public sealed class KeyVaultAnchorWriterAgainstLocalKeyVaultDoubleTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Withdrawn = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn";

    private readonly TestListSigner _lotlSigner = TestListSigner.Create("LOTL signer", Now.AddYears(-1), Now.AddYears(2));
    private readonly TestListSigner _ptSigner = TestListSigner.Create("PT operator", Now.AddYears(-1), Now.AddYears(2));
    private readonly X509Certificate2 _root = TestCertificates.CreateRoot("QTSP root the list does not name");
    private readonly X509Certificate2 _qwacCa;
    private readonly X509Certificate2 _otherCa;
    private readonly KeyVaultTrustAnchorOptions _options = new() { MaxRetries = 0 };
    private readonly ListLogger _log = new();
    private FakeKeyVaultServer _vault = null!;
    private KeyVaultAnchorWriter _writer = null!;
    private KeyVaultTrustAnchorProvider _provider = null!;

    public KeyVaultAnchorWriterAgainstLocalKeyVaultDoubleTests()
    {
        _qwacCa = TestCertificates.CreateIntermediate("QWAC CA", _root);
        _otherCa = TestCertificates.CreateIntermediate("Other QWAC CA", _root);
    }

    public async ValueTask InitializeAsync()
    {
        _vault = await FakeKeyVaultServer.StartAsync(TestContext.Current.CancellationToken);
        _options.VaultUri = _vault.VaultUri;
        var client = _vault.CreateClient(new StaticTokenCredential(), KeyVaultClientOptions.Create(_options));
        _writer = new KeyVaultAnchorWriter(client, _options, _log);
        _provider = new KeyVaultTrustAnchorProvider(client, Options.Create(_options), new FakeTimeProvider(Now), NullLogger<KeyVaultTrustAnchorProvider>.Instance);
    }

    public async ValueTask DisposeAsync() => await _vault.DisposeAsync();

    public void Dispose()
    {
        _provider.Dispose();
        _lotlSigner.Dispose();
        _ptSigner.Dispose();
        _qwacCa.Dispose();
        _otherCa.Dispose();
        _root.Dispose();
    }

    private byte[] Lotl(long sequence = 300) => TestTrustedList.Lotl(sequence, _lotlSigner).AnnounceNational("PT", _ptSigner).Sign(_lotlSigner);

    private Task<AnchorWriteResult> WriteAsync(byte[] lotl, params byte[][] lists)
        => _writer.WriteAsync(
            state => new TrustedListImporter(new TrustedListImportOptions()).Import(
                TrustedListSource.Of("lotl.xml", lotl), [], [.. lists.Select((l, i) => TrustedListSource.Of($"list-{i}.xml", l))], [_lotlSigner.Der], Now, state),
            TestContext.Current.CancellationToken);

    private byte[] Portugal(long sequence, bool qwacGranted = true, bool other = false)
    {
        var list = new TestTrustedList { Territory = "PT", Sequence = sequence }
            .AddService("MULTICERT", "QWAC CA", TrustedListUris.CaQcServiceType, qwacGranted ? TrustedListUris.GrantedStatus : Withdrawn, true, _qwacCa.RawData);
        if (other)
        {
            list.AddQwacCa("ACIN", "Other QWAC CA", _otherCa);
        }

        return list.Sign(_ptSigner);
    }

    private static string SecretFor(X509Certificate2 certificate) => "tl-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.RawData));

    [Fact]
    public async Task Accepted_anchors_become_tagged_PEM_secrets_that_the_anchor_provider_loads_as_anchors()
    {
        var result = await WriteAsync(Lotl(), Portugal(20, other: true));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(2, result.Added);
        var secret = _vault.Find(SecretFor(_qwacCa))!;
        Assert.True(secret.Enabled);
        Assert.Equal(KeyVaultTrustAnchorProvider.PemContentType, secret.ContentType);
        Assert.Equal("true", secret.Tags["tppgate-trust-anchor"]);
        Assert.Equal(("PT", "MULTICERT", "QWAC CA"), (secret.Tags["tppgate-territory"], secret.Tags["tppgate-tsp"], secret.Tags["tppgate-service"]));
        Assert.Contains("\"PT\":20", _vault.Find(KeyVaultAnchorWriter.StateSecretName)!.Value, StringComparison.Ordinal);

        var refresh = await _provider.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.True(refresh.Succeeded, refresh.Failure.ToString());
        Assert.Equal(
            new[] { _qwacCa.Thumbprint, _otherCa.Thumbprint }.Order(),
            _provider.Current!.Anchors.Select(a => a.Thumbprint).Order());
        Assert.Contains(_log.Lines, l => l.Contains("added", StringComparison.Ordinal) && l.Contains(SecretFor(_qwacCa), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_withdrawn_service_is_disabled_not_deleted_and_comes_back_enabled_when_granted_again()
    {
        await WriteAsync(Lotl(), Portugal(20, other: true));

        var withdrawn = await WriteAsync(Lotl(), Portugal(21, qwacGranted: false, other: true));

        Assert.Equal(1, withdrawn.Disabled);
        var secret = _vault.Find(SecretFor(_qwacCa))!;
        Assert.False(secret.Enabled);
        Assert.Contains(_log.Lines, l => l.Contains("disabled", StringComparison.Ordinal) && l.Contains(SecretFor(_qwacCa), StringComparison.Ordinal));
        await _provider.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.Equal(_otherCa.Thumbprint, Assert.Single(_provider.Current!.Anchors).Thumbprint);

        var regranted = await WriteAsync(Lotl(), Portugal(22, other: true));

        Assert.Equal(1, regranted.Enabled);
        Assert.True(_vault.Find(SecretFor(_qwacCa))!.Enabled);
    }

    [Fact]
    public async Task A_replayed_old_list_does_not_bring_back_a_withdrawn_service()
    {
        await WriteAsync(Lotl(), Portugal(20));
        await WriteAsync(Lotl(), Portugal(21, qwacGranted: false));

        var replay = await WriteAsync(Lotl(), Portugal(20));

        Assert.Equal(TrustedListRefusal.Rollback, replay.Import!.Lists[0].Refusal);
        Assert.False(_vault.Find(SecretFor(_qwacCa))!.Enabled);
    }

    [Fact]
    public async Task A_refused_LOTL_changes_nothing_in_the_vault()
    {
        await WriteAsync(Lotl(), Portugal(20));
        var before = _vault.All;
        var writesBefore = _vault.Requests.Count(r => r.StartsWith("PUT", StringComparison.Ordinal) || r.StartsWith("PATCH", StringComparison.Ordinal));
        using var attacker = TestListSigner.Create("Attacker", Now.AddYears(-1), Now.AddYears(1));
        var forged = TestTrustedList.Lotl(301, attacker).AnnounceNational("PT", attacker).Sign(attacker);

        var result = await WriteAsync(forged, new TestTrustedList { Territory = "PT", Sequence = 30 }.Sign(attacker));

        Assert.False(result.Succeeded);
        Assert.Equal(TrustedListRefusal.SignerNotAnnounced, result.Import!.Lotl.Refusal);
        Assert.Equal(writesBefore, _vault.Requests.Count(r => r.StartsWith("PUT", StringComparison.Ordinal) || r.StartsWith("PATCH", StringComparison.Ordinal)));
        Assert.Equal(before, _vault.All, new FakeSecretComparer());
    }

    [Fact]
    public async Task A_refused_national_list_keeps_its_anchors_enabled()
    {
        await WriteAsync(Lotl(), Portugal(20));
        var tampered = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Portugal(21, qwacGranted: false)).Replace("<TSLSequenceNumber>21<", "<TSLSequenceNumber>22<", StringComparison.Ordinal));

        var result = await WriteAsync(Lotl(301), tampered);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(TrustedListRefusal.BadSignature, result.Import!.Lists[0].Refusal);
        Assert.Equal(0, result.Disabled);
        Assert.True(_vault.Find(SecretFor(_qwacCa))!.Enabled);
    }

    [Fact]
    public async Task An_unreachable_vault_writes_nothing_and_says_so()
    {
        _vault.Fail(503);

        var result = await WriteAsync(Lotl(), Portugal(20));

        Assert.False(result.Succeeded);
        Assert.Null(result.Import);
        Assert.Contains("could not be read", result.Error, StringComparison.Ordinal);
    }

    private sealed class FakeSecretComparer : IEqualityComparer<FakeSecretView>
    {
        public bool Equals(FakeSecretView? x, FakeSecretView? y)
            => x is not null && y is not null && x.Name == y.Name && x.Value == y.Value && x.Enabled == y.Enabled && x.Tags.Count == y.Tags.Count;

        public int GetHashCode(FakeSecretView obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger<KeyVaultAnchorWriter>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => _lines.Enqueue(formatter(state, exception));
    }
}

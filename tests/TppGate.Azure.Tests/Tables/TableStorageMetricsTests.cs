using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TppGate.Azure.Tables;
using TppGate.Core.Bindings;
using TppGate.Testing.Azurite;
using TppGate.Testing.Network;

namespace TppGate.Azure.Tests.Tables;

/// <summary>
/// Issue 10 item 2: every Table Storage call of the store as composed (<see cref="TableBindingStoreServiceCollectionExtensions.AddTableBindingStore"/>)
/// is timed in <c>tppgate.storage.duration</c>, and a failed one counted in <c>tppgate.storage.failures</c>, with
/// closed-set labels only, against Azurite.
/// </summary>
public sealed class TableStorageMetricsTests(AzuriteInstance azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Real_calls_are_timed_by_client_operation_and_status_and_expected_answers_are_no_failures()
    {
        var table = AzuriteInstance.NewTableName();
        using var provider = Build(new() { ["Bindings:ConnectionString"] = azurite.ConnectionString, ["Bindings:TableName"] = table });
        using var metrics = new Capture(provider.GetRequiredService<TableStorageMetrics>().Meter);
        var store = provider.GetRequiredService<IBindingStore>();
        var binding = StoreFactory.Binding("metrics-client-7f3a");

        Assert.Equal(RegisterOutcome.Created, (await store.RegisterAsync(binding, Ct)).Outcome);
        Assert.Equal(RegisterOutcome.AlreadyBound, (await store.RegisterAsync(binding, Ct)).Outcome);
        Assert.NotNull(await store.GetByCertificateAsync(binding.Sha256, Ct));
        Assert.Null(await store.GetByCertificateAsync(StoreFactory.RandomSha256(), Ct));
        Assert.Single(await store.GetByClientAsync(binding.ClientId, Ct));

        var durations = metrics.Of("tppgate.storage.duration");
        Assert.Contains(durations, m => m.Is("admin", "table", "2xx"));
        Assert.Contains(durations, m => m.Is("admin", "write", "2xx"));
        Assert.Contains(durations, m => m.Is("admin", "query", "2xx"));
        Assert.Contains(durations, m => m.Is("hot_path", "read", "2xx"));

        // 404 (a certificate never bound) and 409 (a second instance creating the table that exists) are answers
        // the store expects, not failures.
        using var secondInstance = Build(new() { ["Bindings:ConnectionString"] = azurite.ConnectionString, ["Bindings:TableName"] = table });
        using var secondMetrics = new Capture(secondInstance.GetRequiredService<TableStorageMetrics>().Meter);
        Assert.NotNull(await secondInstance.GetRequiredService<IBindingStore>().GetByCertificateAsync(binding.Sha256, Ct));
        Assert.Contains(durations, m => m.Is("hot_path", "read", "4xx"));
        Assert.Contains(secondMetrics.Of("tppgate.storage.duration"), m => m.Is("admin", "table", "4xx"));
        Assert.Empty(metrics.Of("tppgate.storage.failures"));
        Assert.Empty(secondMetrics.Of("tppgate.storage.failures"));
        Assert.All(durations, m => Assert.True(m.Value > 0));
        Assert.All(metrics.All, m =>
        {
            Assert.Equal(["client", "operation", "status"], m.Tags.Keys.Order(StringComparer.Ordinal));
            Assert.DoesNotContain(m.Tags.Values, v => v is null || v.Contains(binding.ClientId, StringComparison.Ordinal) || v.Contains(binding.Sha256, StringComparison.OrdinalIgnoreCase)
                || v.Contains(table, StringComparison.OrdinalIgnoreCase) || v.Contains("devstoreaccount1", StringComparison.Ordinal) || v.Length > 10);
        });
    }

    [Fact]
    public async Task A_call_to_unreachable_storage_is_timed_and_counted_as_a_failure()
    {
        var unreachable = azurite.ConnectionString.Replace(azurite.TableEndpoint.Authority, $"127.0.0.1:{RefusingPort.Reserve()}", StringComparison.Ordinal);
        using var provider = Build(new()
        {
            ["Bindings:ConnectionString"] = unreachable,
            ["Bindings:TableName"] = AzuriteInstance.NewTableName(),
            ["Bindings:CreateTableIfNotExists"] = "false",
            ["Bindings:HotPathMaxRetries"] = "0",
            ["Bindings:AdminMaxRetries"] = "0",
        });
        using var metrics = new Capture(provider.GetRequiredService<TableStorageMetrics>().Meter);
        var store = provider.GetRequiredService<IBindingStore>();

        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.GetByCertificateAsync(StoreFactory.RandomSha256(), Ct));
        await Assert.ThrowsAsync<BindingStoreUnavailableException>(() => store.GetExpiringAsync(DateTimeOffset.UtcNow.AddDays(30), Ct));

        var failures = metrics.Of("tppgate.storage.failures");
        Assert.Equal(1, failures.Where(m => m.Is("hot_path", "read", "none")).Sum(m => m.Value));
        Assert.Equal(1, failures.Where(m => m.Is("admin", "query", "none")).Sum(m => m.Value));
        Assert.Equal(2, metrics.Of("tppgate.storage.duration").Count(m => m.Tag("status") == "none"));
    }

    [Fact]
    public async Task A_missing_table_is_a_failure_though_the_store_answers_not_bound()
    {
        using var provider = Build(new()
        {
            ["Bindings:ConnectionString"] = azurite.ConnectionString,
            ["Bindings:TableName"] = AzuriteInstance.NewTableName(),
            ["Bindings:CreateTableIfNotExists"] = "false",
        });
        using var metrics = new Capture(provider.GetRequiredService<TableStorageMetrics>().Meter);

        Assert.Null(await provider.GetRequiredService<IBindingStore>().GetByCertificateAsync(StoreFactory.RandomSha256(), Ct));

        Assert.Equal(1, Assert.Single(metrics.Of("tppgate.storage.failures"), m => m.Is("hot_path", "read", "4xx")).Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddTableBindingStore(configuration).BuildServiceProvider();
    }

    private sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
    {
        public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value : null;

        public bool Is(string client, string operation, string status) => Tag("client") == client && Tag("operation") == operation && Tag("status") == status;
    }

    /// <summary>Every measurement of one meter's instruments (this provider's meter only).</summary>
    private sealed class Capture : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measured> _all = new();

        public Capture(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>(Record);
            _listener.SetMeasurementEventCallback<double>(Record);
            _listener.Start();
        }

        public IReadOnlyCollection<Measured> All => _all;

        public Measured[] Of(string instrument) => [.. _all.Where(m => m.Instrument == instrument)];

        public void Dispose() => _listener.Dispose();

        private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
            where T : struct
            => _all.Enqueue(new Measured(instrument.Name, Convert.ToDouble(value, CultureInfo.InvariantCulture), tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString(), StringComparer.Ordinal)));
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using TppGate.Functions.Functions;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Pki;
using TppGate.Testing.Azurite;
using TppGate.Testing.Waiting;

namespace TppGate.Functions.Tests;

/// <summary>
/// Issue 10 item 4: every tppgate.* metric that infra/app/alerts.bicep and infra/monitoring/workbook.json query in
/// AppMetrics is exported by the composed apps' OpenTelemetry pipelines. An alert on a name no code emits can never
/// fire (tppgate.storage.failures and tppgate.bindings.expiring were such names).
/// </summary>
public sealed partial class AlertMetricsTests(AzuriteInstance azurite)
{
    [Fact]
    public async Task Every_metric_the_alerts_and_the_workbook_query_is_exported_by_the_composed_apps()
    {
        var queried = QueriedMetricNames();
        Assert.Contains("tppgate.storage.failures", queried);
        Assert.Contains("tppgate.bindings.expiring", queried);

        var exported = new List<Metric>();
        void Export(IServiceCollection services) => services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported));
        var settings = AppService.Settings(azurite, "Admin");
        await using var admin = await FunctionsAppHost.StartAsync(settings, addServices: Export);
        var authorizerSettings = new Dictionary<string, string?>(settings) { ["TppGate:Surface"] = "Authorizer" };
        authorizerSettings.Remove("WEBSITE_AUTH_ENABLED");
        await using var authorizer = await FunctionsAppHost.StartAsync(authorizerSettings, addServices: Export);
        var unreachable = AppService.WithUnreachableStorage(settings, azurite);
        await using var adminWithoutStorage = await FunctionsAppHost.StartAsync(unreachable, addServices: Export);

        // What a day of operation does: a registration, TPP calls until an allow from warm caches, the daily expiry
        // report, and a report while storage is unreachable.
        using var tpp = CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        var clientId = "alerts-" + Guid.NewGuid().ToString("N")[..8];
        var register = await admin.SendAsync("POST", "/api/bindings", [AppService.Principal(Caller.AdminRole)], JsonSerializer.Serialize(new { clientId, certificate = PkiExport.CertificatePem(tpp) }));
        Assert.Equal(201, register.Status);
        KeyValuePair<string, string>[] request = [AppService.ClientCertificate(tpp), new("X-Client-Id", clientId), new("X-Tpp-Api", "accounts")];
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(8), async () => (await authorizer.SendAsync("POST", "/api/authorize", request)).Status == 200));
        await authorizer.SendAsync("POST", "/api/authorize", request);
        await ActivatorUtilities.CreateInstance<ExpiryReport>(admin.Services).Run(new TimerInfo(), TestContext.Current.CancellationToken);
        await ActivatorUtilities.CreateInstance<ExpiryReport>(adminWithoutStorage.Services).Run(new TimerInfo(), TestContext.Current.CancellationToken);
        foreach (var host in new[] { admin, authorizer, adminWithoutStorage })
        {
            Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush(5000));
        }

        var names = exported.Where(m => m.MeterName.StartsWith("TppGate", StringComparison.Ordinal)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(queried, name => Assert.True(names.Contains(name), $"{name} is queried by an alert or the workbook but no app exported it; exported: {string.Join(", ", names.Order(StringComparer.Ordinal))}"));
    }

    /// <summary>The metric names in the alert rules' and the workbook's AppMetrics queries (request telemetry, AppRequests, is not a metric) (<c>Name == "x"</c>, <c>Name in ("x", "y")</c>).</summary>
    private static HashSet<string> QueriedMetricNames()
    {
        var root = RepositoryRoot();
        var queries = new List<string> { File.ReadAllText(Path.Combine(root, "infra", "app", "alerts.bicep")) };
        using var workbook = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "infra", "monitoring", "workbook.json")));
        queries.AddRange(workbook.RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("content").TryGetProperty("query", out _))
            .Select(i => i.GetProperty("content").GetProperty("query").GetString()!)
            .Where(q => q.StartsWith("AppMetrics", StringComparison.Ordinal)));

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            foreach (Match match in NameEquals().Matches(query))
            {
                names.Add(match.Groups[1].Value);
            }

            foreach (Match match in NameIn().Matches(query))
            {
                names.UnionWith(Quoted().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value));
            }
        }

        Assert.All(names, n => Assert.StartsWith("tppgate.", n, StringComparison.Ordinal));
        return names;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "infra", "app", "alerts.bicep")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No infra/app/alerts.bicep above " + AppContext.BaseDirectory);
    }


    [GeneratedRegex("""Name\s*==\s*"([^"]+)"\s*""")]
    private static partial Regex NameEquals();

    [GeneratedRegex("""Name\s+in\s*\(([^)]*)\)""")]
    private static partial Regex NameIn();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex Quoted();
}

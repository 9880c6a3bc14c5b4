using System.Text.Json;

namespace TppGate.Infra.Tests;

/// <summary>Issue 10 item 4: alert rules on the apps' tppgate.* metrics, all notifying the action group, and a workbook.</summary>
public sealed class MonitoringTests
{
    public static TheoryData<string, string, string, double> Alerts => new()
    {
        // rule, metric, aggregation, threshold (exceeded = alert)
        { "tppgate-service-unavailable-spike", "tppgate.decisions", "Total", 10 },
        { "tppgate-storage-failures", "tppgate.storage.failures", "Total", 5 },
        { "tppgate-anchors-stale", "tppgate.anchors.age", "Maximum", 2 * 24 * 3600 },
        { "tppgate-crl-past-grace", "tppgate.crl.age", "Maximum", 48 * 3600 },
        { "tppgate-certificates-expiring", "tppgate.bindings.expiring", "Maximum", 0 },
    };

    [Theory]
    [MemberData(nameof(Alerts))]
    public async Task Each_alert_reads_its_metric_and_notifies_the_action_group(string rule, string metric, string aggregation, double threshold)
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var alert = snapshot.Named("Microsoft.Insights/scheduledQueryRules", rule).GetProperty("properties");
        var criterion = Assert.Single(alert.GetProperty("criteria").GetProperty("allOf").EnumerateArray());

        Assert.True(alert.GetProperty("enabled").GetBoolean());
        Assert.Equal([DeploymentSnapshot.ActionGroupId], alert.GetProperty("actions").GetProperty("actionGroups").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains($"Name == \"{metric}\"", criterion.GetProperty("query").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("AppMetrics", criterion.GetProperty("query").GetString(), StringComparison.Ordinal);
        Assert.Equal(aggregation, criterion.GetProperty("timeAggregation").GetString());
        Assert.Equal("Value", criterion.GetProperty("metricMeasureColumn").GetString());
        Assert.Equal("GreaterThan", criterion.GetProperty("operator").GetString());
        Assert.Equal(threshold, criterion.GetProperty("threshold").GetDouble());
        Assert.Contains("/Microsoft.OperationalInsights/workspaces/log-", Assert.Single(alert.GetProperty("scopes").EnumerateArray()).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_503_alert_counts_only_service_unavailable_decisions_and_expiry_looks_at_a_whole_day()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var spike = snapshot.Named("Microsoft.Insights/scheduledQueryRules", "tppgate-service-unavailable-spike").GetProperty("properties");
        var expiring = snapshot.Named("Microsoft.Insights/scheduledQueryRules", "tppgate-certificates-expiring").GetProperty("properties");

        Assert.Contains("tostring(Properties[\"code\"]) == \"SERVICE_UNAVAILABLE\"", spike.GetProperty("criteria").GetProperty("allOf")[0].GetProperty("query").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, spike.GetProperty("severity").GetInt32());
        Assert.Equal("P1D", expiring.GetProperty("windowSize").GetString());
        Assert.Equal(5, snapshot.OfType("Microsoft.Insights/scheduledQueryRules").Count());
    }

    [Fact]
    public async Task Alert_thresholds_are_parameters()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults + """

            param serviceUnavailableAlertThreshold = 50
            param anchorMaxAgeHours = 24
            """);

        Assert.Equal(50, snapshot.Named("Microsoft.Insights/scheduledQueryRules", "tppgate-service-unavailable-spike").GetProperty("properties").GetProperty("criteria").GetProperty("allOf")[0].GetProperty("threshold").GetInt32());
        Assert.Equal(24 * 3600, snapshot.Named("Microsoft.Insights/scheduledQueryRules", "tppgate-anchors-stale").GetProperty("properties").GetProperty("criteria").GetProperty("allOf")[0].GetProperty("threshold").GetInt32());
    }

    [Fact]
    public async Task The_workbook_shows_decisions_by_code_latency_percentiles_and_anchor_and_crl_state()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var workbook = Assert.Single(snapshot.OfType("Microsoft.Insights/workbooks")).GetProperty("properties");
        using var data = JsonDocument.Parse(workbook.GetProperty("serializedData").GetString()!);
        var queries = data.RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("type").GetInt32() == 3)
            .ToDictionary(i => i.GetProperty("content").GetProperty("title").GetString()!, i => i.GetProperty("content").GetProperty("query").GetString()!, StringComparer.Ordinal);

        Assert.Equal("Notebook/1.0", data.RootElement.GetProperty("version").GetString());
        Assert.Contains("/Microsoft.OperationalInsights/workspaces/log-", workbook.GetProperty("sourceId").GetString(), StringComparison.Ordinal);
        Assert.Equal(workbook.GetProperty("sourceId").GetString(), Assert.Single(data.RootElement.GetProperty("fallbackResourceIds").EnumerateArray()).GetString());
        Assert.Contains("summarize Decisions = sum(Sum) by bin(TimeGenerated, 5m), code", queries["Decisions by code"], StringComparison.Ordinal);
        Assert.Contains("\"tppgate.decisions\"", queries["Decisions by code"], StringComparison.Ordinal);
        var latency = queries["Authorize latency percentiles (ms)"];
        Assert.Contains("percentile(DurationMs, 50)", latency, StringComparison.Ordinal);
        Assert.Contains("percentile(DurationMs, 99)", latency, StringComparison.Ordinal);
        Assert.Contains("\"tppgate.decision.duration\"", queries["Decision time inside the app (mean and max, ms)"], StringComparison.Ordinal);
        Assert.Contains("\"tppgate.anchors.age\", \"tppgate.crl.age\"", queries["Trust anchor and CRL age (hours)"], StringComparison.Ordinal);
        Assert.Contains("\"tppgate.bindings.expiring\"", queries["Latest anchor, CRL and expiry state"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_workbook_shows_the_cache_hit_ratio_and_storage_latency_and_failures()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var workbook = Assert.Single(snapshot.OfType("Microsoft.Insights/workbooks")).GetProperty("properties");
        using var data = JsonDocument.Parse(workbook.GetProperty("serializedData").GetString()!);
        var queries = data.RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("type").GetInt32() == 3)
            .Select(i => i.GetProperty("content").GetProperty("query").GetString()!)
            .ToArray();

        var ratio = Assert.Single(queries, q => q.Contains("\"tppgate.cache.lookups\"", StringComparison.Ordinal));
        Assert.Contains("by bin(TimeGenerated, 5m), cache", ratio, StringComparison.Ordinal);
        Assert.Contains("HitRatio = Hits / Lookups", ratio, StringComparison.Ordinal);
        Assert.Contains("sum(Sum) / sum(ItemCount)", Assert.Single(queries, q => q.Contains("\"tppgate.storage.duration\"", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("Failures = sum(Sum)", Assert.Single(queries, q => q.Contains("Name == \"tppgate.storage.failures\"", StringComparison.Ordinal)), StringComparison.Ordinal);

        // AppMetrics has ItemCount, not Count: a mean over Count is a query error in the portal.
        Assert.DoesNotContain(queries, q => q.Contains("sum(Count)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_expiry_report_runs_daily_on_the_admin_app_and_its_window_is_the_one_the_alert_names()
    {
        var defaults = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var custom = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults + """

            param expiryReportSchedule = '0 15 5 * * *'
            param expiryReportWindowDays = 14
            """);

        // The timer's %ExpiryReportSchedule% binding resolves on both apps; it runs on the admin app only.
        Assert.All(new[] { "authorizer", "admin" }, s => Assert.Equal("0 0 6 * * *", defaults.AppSettings(s)["ExpiryReportSchedule"]));
        var daily = defaults.AppSettings("admin")["ExpiryReportSchedule"]!.Split(' ');
        Assert.Equal(6, daily.Length);
        Assert.Equal(["*", "*", "*"], daily[3..]);
        Assert.Contains("AzureWebJobs.ExpiryReport.Disabled", TwoAppTopologyTests.DisabledIn(defaults, "authorizer"));
        Assert.DoesNotContain("AzureWebJobs.ExpiryReport.Disabled", TwoAppTopologyTests.DisabledIn(defaults, "admin"));
        Assert.Equal("30", defaults.AppSettings("admin")["ExpiryReport__WindowDays"]);
        Assert.Contains("within 30 days", ExpiryAlert(defaults).GetProperty("description").GetString(), StringComparison.Ordinal);

        Assert.Equal("0 15 5 * * *", custom.AppSettings("admin")["ExpiryReportSchedule"]);
        Assert.Equal("14", custom.AppSettings("admin")["ExpiryReport__WindowDays"]);
        Assert.Contains("within 14 days", ExpiryAlert(custom).GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, ExpiryAlert(custom).GetProperty("criteria").GetProperty("allOf")[0].GetProperty("threshold").GetDouble());
    }

    private static JsonElement ExpiryAlert(DeploymentSnapshot snapshot)
        => snapshot.Named("Microsoft.Insights/scheduledQueryRules", "tppgate-certificates-expiring").GetProperty("properties");
}

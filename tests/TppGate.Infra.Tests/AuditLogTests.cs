using System.Text.Json;

namespace TppGate.Infra.Tests;

/// <summary>
/// Who changed what the authorizer trusts, as the platform saw it: the anchors vault's audit events and the bindings
/// table's writes and deletes go to the deployment's Log Analytics workspace, beside the admin API's own audit rows.
/// </summary>
public sealed class AuditLogTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    private const string DiagnosticSettings = "Microsoft.Insights/diagnosticSettings";

    [Fact]
    public async Task The_anchors_vault_sends_its_audit_events_to_the_workspace()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        var setting = Assert.Single(snapshot.OfType(DiagnosticSettings), s => s.GetProperty("id").GetString()!.Contains("/Microsoft.KeyVault/vaults/kv-ta-", StringComparison.Ordinal));

        Assert.Equal(["AuditEvent"], EnabledCategories(setting));
        AssertSendsToTheWorkspace(snapshot, setting);
    }

    [Fact]
    public async Task The_bindings_table_service_sends_its_writes_and_deletes_to_the_workspace()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        var setting = Assert.Single(snapshot.OfType(DiagnosticSettings), s => s.GetProperty("id").GetString()!.Contains("/tableServices/default/", StringComparison.Ordinal));

        Assert.Matches("/Microsoft.Storage/storageAccounts/st[a-z0-9]+/tableServices/default/", setting.GetProperty("id").GetString()!);
        Assert.Equal(["StorageDelete", "StorageWrite"], EnabledCategories(setting));
        AssertSendsToTheWorkspace(snapshot, setting);
    }

    private static string[] EnabledCategories(JsonElement setting) =>
        [.. setting.GetProperty("properties").GetProperty("logs").EnumerateArray()
            .Where(l => l.GetProperty("enabled").GetBoolean())
            .Select(l => l.GetProperty("category").GetString()!)
            .Order(StringComparer.Ordinal)];

    // The id comes from the monitoring module's output, which ARM resolves at deployment; that output is the
    // workspace the module creates.
    private void AssertSendsToTheWorkspace(DeploymentSnapshot snapshot, JsonElement setting)
    {
        Assert.Single(snapshot.OfType("Microsoft.OperationalInsights/workspaces"));
        var target = setting.GetProperty("properties").GetProperty("workspaceId").GetString()!;
        Assert.Contains("'Microsoft.Resources/deployments', format('monitoring-{0}'", target, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.workspaceId.value]", target, StringComparison.Ordinal);
        var output = infra.Template.RootElement.GetProperty("resources").GetProperty("monitoring")
            .GetProperty("properties").GetProperty("template").GetProperty("outputs").GetProperty("workspaceId").GetProperty("value").GetString();
        Assert.Equal("[resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName'))]", output);
    }
}

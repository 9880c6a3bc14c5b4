using System.Text.Json;

namespace TppGate.Infra.Tests;

/// <summary>
/// docs/decisions/0012 as deployed: the admin app's RefreshTrustedLists timer runs only with pinned LOTL signers
/// (TrustedLists__LotlSigners__i); without them it is disabled and the anchors vault is managed by hand. The
/// schedule is on both apps, because the timer's %TrustedListsSchedule% binding is resolved where it is disabled too.
/// </summary>
public sealed class TrustedListSettingsTests
{
    private const string SignerPrefix = "TrustedLists__LotlSigners__";

    [Fact]
    public async Task Without_pinned_signers_the_admin_app_disables_the_trusted_list_timer_and_pins_nothing()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        Assert.Contains("AzureWebJobs.RefreshTrustedLists.Disabled", TwoAppTopologyTests.DisabledIn(snapshot, "admin"));
        Assert.Contains("AzureWebJobs.RefreshTrustedLists.Disabled", TwoAppTopologyTests.DisabledIn(snapshot, "authorizer"));
        Assert.All(new[] { "authorizer", "admin" }, s =>
        {
            Assert.DoesNotContain(snapshot.AppSettings(s).Keys, k => k.StartsWith(SignerPrefix, StringComparison.Ordinal));
            Assert.Equal("0 30 3 * * *", snapshot.AppSettings(s)["TrustedListsSchedule"]);
        });
    }

    [Fact]
    public async Task With_pinned_signers_the_admin_app_runs_the_timer_with_every_signer_in_order()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithTrustedLists);
        var admin = snapshot.AppSettings("admin");

        Assert.DoesNotContain("AzureWebJobs.RefreshTrustedLists.Disabled", TwoAppTopologyTests.DisabledIn(snapshot, "admin"));
        Assert.Equal(
            [(SignerPrefix + "0", DeploymentSnapshot.LotlSignerA), (SignerPrefix + "1", DeploymentSnapshot.LotlSignerB)],
            admin.Where(s => s.Key.StartsWith(SignerPrefix, StringComparison.Ordinal)).Select(s => (s.Key, s.Value)).Order());
        Assert.Equal(DeploymentSnapshot.TrustedListsSchedule, admin["TrustedListsSchedule"]);
    }

    [Fact]
    public async Task The_authorizer_never_runs_the_timer_but_can_resolve_its_schedule()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithTrustedLists);
        var authorizer = snapshot.AppSettings("authorizer");

        Assert.Contains("AzureWebJobs.RefreshTrustedLists.Disabled", TwoAppTopologyTests.DisabledIn(snapshot, "authorizer"));
        Assert.DoesNotContain(authorizer.Keys, k => k.StartsWith(SignerPrefix, StringComparison.Ordinal));
        Assert.Equal(DeploymentSnapshot.TrustedListsSchedule, authorizer["TrustedListsSchedule"]);
    }

    [Fact]
    public async Task Change_feed_retention_runs_on_the_admin_app_only_and_its_schedule_resolves_on_both()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        Assert.Contains("AzureWebJobs.ChangeFeedRetention.Disabled", TwoAppTopologyTests.DisabledIn(snapshot, "authorizer"));
        Assert.DoesNotContain("AzureWebJobs.ChangeFeedRetention.Disabled", TwoAppTopologyTests.DisabledIn(snapshot, "admin"));
        Assert.All(new[] { "authorizer", "admin" }, s => Assert.False(string.IsNullOrWhiteSpace(snapshot.AppSettings(s)["ChangeFeedRetentionSchedule"])));
    }

    [Fact]
    public void Azd_maps_both_parameters_from_environment_variables_with_the_template_defaults()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "infra", "main.parameters.json")));
        var parameters = json.RootElement.GetProperty("parameters");

        // azd parses the substituted value of an array parameter as JSON: the default must be the empty array.
        Assert.Equal("${TPPGATE_TRUSTED_LIST_SIGNERS=[]}", parameters.GetProperty("trustedListSigners").GetProperty("value").GetString());
        Assert.Equal("${TPPGATE_TRUSTED_LISTS_SCHEDULE=0 30 3 * * *}", parameters.GetProperty("trustedListsSchedule").GetProperty("value").GetString());
    }
}

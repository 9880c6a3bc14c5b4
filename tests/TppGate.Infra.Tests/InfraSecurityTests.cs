namespace TppGate.Infra.Tests;

public sealed class InfraSecurityTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    public static TheoryData<string, string> BroadRoles => new()
    {
        { "Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" },
        { "Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c" },
        { "User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" },
        { "Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483" },
        // Key Vault Secrets Officer is granted once, deliberately, and only with trustedListSigners: the admin app on
        // the anchors vault (decision 0012; LeastPrivilegeTests lists every grant).
        { "Key Vault Certificates Officer", "a4417e6f-fecd-4de8-b567-7b0420556985" },
        { "Storage Account Contributor", "17d1049b-9a84-46fb-8f53-869881c3d3ab" },
        // Storage Blob Data Contributor is granted deliberately on the CRL container alone, to each app (decision 0016;
        // CrlStoreInfraTests checks its scope).
    };

    [Fact]
    public void Build_prints_no_warnings() => Assert.Equal("", infra.BuildErrors.Trim());

    [Fact]
    public async Task Lint_reports_no_findings()
    {
        var (exitCode, stdout, stderr) = await BicepCli.RunAsync("lint", "infra/main.bicep");

        Assert.Equal(0, exitCode);
        Assert.Equal("", (stdout + stderr).Trim());
    }

    [Fact]
    public async Task Basic_publishing_credentials_are_disabled_for_ftp_and_scm_on_both_apps()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var policies = snapshot.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(4, policies.Count);
        foreach (var service in new[] { "authorizer", "admin" })
        {
            var site = snapshot.Site(service).GetProperty("name").GetString();
            Assert.Equal(["ftp", "scm"], policies.Select(p => p.GetProperty("name").GetString()!).Where(n => n.StartsWith(site + "/", StringComparison.Ordinal)).Select(n => n.Split('/')[1]).Order(StringComparer.Ordinal));
        }

        Assert.All(policies, p => Assert.False(p.GetProperty("properties").GetProperty("allow").GetBoolean()));
    }

    [Fact]
    public async Task Host_storage_is_reached_with_each_apps_own_identity_and_no_connection_string()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithApim);

        foreach (var (service, identity) in new[] { ("authorizer", "id-tppgate-authz-"), ("admin", "id-tppgate-admin-") })
        {
            var settings = snapshot.AppSettings(service);
            Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
            foreach (var name in new[]
            {
                "AzureWebJobsStorage__clientId", "AZURE_CLIENT_ID", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
                "Bindings__ManagedIdentityClientId", "TrustAnchors__KeyVault__ManagedIdentityClientId",
            })
            {
                Assert.Contains($"userAssignedIdentities/{identity}", settings[name], StringComparison.Ordinal);
            }

            Assert.Contains($"{service}HostStorage", settings["AzureWebJobsStorage__blobServiceUri"], StringComparison.Ordinal);
            Assert.False(settings.ContainsKey("AzureWebJobsStorage"));
            Assert.Contains("storage", settings["Bindings__TableServiceUri"], StringComparison.Ordinal);
            Assert.Single(snapshot.Site(service).GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject());
        }

        Assert.DoesNotContain("AccountKey", infra.TemplateText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", infra.TemplateText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_storage_account_refuses_shared_keys_public_blobs_and_old_tls()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var accounts = snapshot.OfType("Microsoft.Storage/storageAccounts").ToList();

        // The data account (bindings) and one host account per app.
        Assert.Equal(3, accounts.Count);
        Assert.All(accounts, a =>
        {
            var properties = a.GetProperty("properties");
            Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
            Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
            Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
            Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        });
        var table = Assert.Single(snapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.EndsWith("/default/TppGateBindings", table.GetProperty("name").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trust_anchor_vault_uses_rbac_soft_delete_and_purge_protection()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var vault = Assert.Single(snapshot.OfType("Microsoft.KeyVault/vaults")).GetProperty("properties");

        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.False(vault.TryGetProperty("accessPolicies", out _));
    }

    [Theory]
    [MemberData(nameof(BroadRoles))]
    public void No_broad_role_is_granted(string role, string roleId)
    {
        Assert.False(infra.TemplateText.Contains(roleId, StringComparison.OrdinalIgnoreCase), $"{role} ({roleId}) appears in the template.");
    }
}

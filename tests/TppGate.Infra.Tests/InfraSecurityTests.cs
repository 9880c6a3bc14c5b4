using System.Text.Json;
using System.Xml.Linq;

namespace TppGate.Infra.Tests;

public sealed class InfraSecurityTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    public static TheoryData<string, string> BroadRoles => new()
    {
        { "Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" },
        { "Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c" },
        { "User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" },
        { "Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483" },
        { "Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7" },
        { "Key Vault Certificates Officer", "a4417e6f-fecd-4de8-b567-7b0420556985" },
        { "Storage Account Contributor", "17d1049b-9a84-46fb-8f53-869881c3d3ab" },
        { "Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe" },
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
    public void Function_app_requires_client_certificates_https_and_tls_1_2()
    {
        var site = infra.Single("Microsoft.Web/sites").GetProperty("properties");
        var config = site.GetProperty("siteConfig");

        Assert.True(site.GetProperty("clientCertEnabled").GetBoolean());
        Assert.Equal("Required", site.GetProperty("clientCertMode").GetString());
        Assert.Equal("/api/bindings;/api/certificates;/api/health", site.GetProperty("clientCertExclusionPaths").GetString());
        Assert.True(site.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("1.2", config.GetProperty("minTlsVersion").GetString());
        Assert.Equal("Disabled", config.GetProperty("ftpsState").GetString());
    }

    [Fact]
    public void Inbound_traffic_is_limited_to_the_api_management_service_tag_when_apim_is_deployed()
    {
        var config = infra.Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("siteConfig");

        Assert.Equal("[if(parameters('restrictToApim'), 'Deny', 'Allow')]", config.GetProperty("ipSecurityRestrictionsDefaultAction").GetString());
        var restrictions = config.GetProperty("ipSecurityRestrictions").GetString()!;
        Assert.Contains("'ApiManagement'", restrictions, StringComparison.Ordinal);
        Assert.Contains("'ServiceTag'", restrictions, StringComparison.Ordinal);
        Assert.Contains("parameters('deployApim')", infra.TemplateText, StringComparison.Ordinal);
    }

    [Fact]
    public void Basic_publishing_credentials_are_disabled_for_ftp_and_scm()
    {
        var policies = infra.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(["ftp", "scm"], policies.Select(p => LastNameSegment(p)).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p.GetProperty("properties").GetProperty("allow").GetBoolean()));
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_flex_consumption_with_an_always_ready_instance()
    {
        var plan = infra.Single("Microsoft.Web/serverfarms");
        var functionConfig = infra.Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("functionAppConfig");

        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.Equal("dotnet-isolated", functionConfig.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", functionConfig.GetProperty("runtime").GetProperty("version").GetString());
        var alwaysReady = Assert.Single(functionConfig.GetProperty("scaleAndConcurrency").GetProperty("alwaysReady").EnumerateArray());
        Assert.Equal(1, alwaysReady.GetProperty("instanceCount").GetInt32());
        var deployment = functionConfig.GetProperty("deployment").GetProperty("storage").GetProperty("authentication");
        Assert.Equal("UserAssignedIdentity", deployment.GetProperty("type").GetString());
    }

    [Fact]
    public void Host_storage_is_reached_with_the_managed_identity_and_no_connection_string()
    {
        var settings = infra.Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").GetString()!;

        Assert.Contains("createObject('name', 'AzureWebJobsStorage__credential', 'value', 'managedidentity')", settings, StringComparison.Ordinal);
        foreach (var name in new[]
        {
            "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri",
            "AzureWebJobsStorage__tableServiceUri", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Bindings__TableServiceUri",
            "TrustAnchors__KeyVault__VaultUri", "TrustAnchors__KeyVault__ManagedIdentityClientId",
        })
        {
            Assert.Contains($"'{name}'", settings, StringComparison.Ordinal);
        }

        Assert.Contains("Authorizer__Request__TrustedForwarders__0__CertificateThumbprint", infra.TemplateText, StringComparison.Ordinal);
        Assert.DoesNotContain("'AzureWebJobsStorage'", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", infra.TemplateText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", infra.TemplateText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Storage_refuses_shared_keys_public_blobs_and_old_tls()
    {
        var storage = infra.Single("Microsoft.Storage/storageAccounts").GetProperty("properties");

        Assert.False(storage.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(storage.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", storage.GetProperty("minimumTlsVersion").GetString());
        Assert.True(storage.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Single(infra.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.Contains("\"bindingsTableName\": \"TppGateBindings\"", infra.TemplateText, StringComparison.Ordinal);
    }

    [Fact]
    public void Trust_anchor_vault_uses_rbac_soft_delete_and_purge_protection()
    {
        var vault = infra.Single("Microsoft.KeyVault/vaults").GetProperty("properties");

        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.False(vault.TryGetProperty("accessPolicies", out _));
    }

    [Fact]
    public void Each_role_assignment_grants_exactly_the_expected_role_and_is_named_with_guid()
    {
        var granted = infra.RoleAssignments.Select(a => a.RoleGuid).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            new[] { KeyVaultSecretsUser, StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor, MonitoringMetricsPublisher }.Order(StringComparer.Ordinal),
            granted);
        Assert.All(infra.RoleAssignments, a =>
        {
            Assert.StartsWith("[guid(", a.Name, StringComparison.Ordinal);
            // guid(scope id, identity id, role id): stable across deployments and unique per scope, principal and role.
            Assert.Matches(
                @"^\[guid\(resourceId\('Microsoft\.[A-Za-z]+/[A-Za-z]+', parameters\('\w+'\)\), resourceId\('Microsoft\.ManagedIdentity/userAssignedIdentities', parameters\('identityName'\)\), variables\('\w+'\)\)\]$",
                a.Name);
            Assert.Equal("ServicePrincipal", a.PrincipalType);
        });
    }

    [Fact]
    public void Key_vault_secrets_user_is_scoped_to_the_trust_anchor_vault_only()
    {
        var assignment = Assert.Single(infra.RoleAssignments, a => a.RoleGuid == KeyVaultSecretsUser);

        Assert.Contains("Microsoft.KeyVault/vaults", assignment.Scope, StringComparison.Ordinal);
        Assert.All(infra.RoleAssignments.Where(a => a.RoleGuid != KeyVaultSecretsUser), a =>
            Assert.DoesNotContain("Microsoft.KeyVault", a.Scope, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BroadRoles))]
    public void No_broad_role_is_granted(string role, string roleId)
    {
        Assert.False(infra.TemplateText.Contains(roleId, StringComparison.OrdinalIgnoreCase), $"{role} ({roleId}) appears in the template.");
    }

    [Fact]
    public void Apim_policy_sends_the_certificate_as_rfc_9440_client_cert_with_a_short_timeout()
    {
        var policy = XDocument.Load(Path.Combine(BicepCli.RepositoryRoot, "infra", "apim", "authorize-policy.xml"));
        var sendRequest = Assert.Single(policy.Descendants("send-request"));

        Assert.InRange(int.Parse(sendRequest.Attribute("timeout")!.Value, System.Globalization.CultureInfo.InvariantCulture), 1, 3);
        Assert.Equal("false", sendRequest.Attribute("ignore-error")!.Value);
        var clientCert = Assert.Single(sendRequest.Elements("set-header"), h => h.Attribute("name")!.Value == "Client-Cert");
        Assert.Equal("@(\":\" + Convert.ToBase64String(context.Request.Certificate.RawData) + \":\")", clientCert.Element("value")!.Value);
        Assert.Contains(sendRequest.Elements("set-header"), h => h.Attribute("name")!.Value == "X-Tpp-Api");
        Assert.Contains(sendRequest.Elements("set-header"), h => h.Attribute("name")!.Value == "X-Client-Id");
        Assert.Single(sendRequest.Elements("authentication-certificate"));
    }

    [Fact]
    public void Apim_policy_strips_caller_copies_and_refuses_without_a_certificate_or_a_decision()
    {
        var policy = XDocument.Load(Path.Combine(BicepCli.RepositoryRoot, "infra", "apim", "authorize-policy.xml"));
        var inbound = policy.Root!.Element("inbound")!;
        var firstHeaders = inbound.Elements("set-header").TakeWhile(h => h.Attribute("exists-action")!.Value == "delete").Select(h => h.Attribute("name")!.Value).ToList();

        Assert.Contains("Client-Cert", firstHeaders);
        Assert.Contains("Client-Cert-Chain", firstHeaders);
        var missing = inbound.Elements("choose").First().Element("when")!;
        Assert.Equal("@(context.Request.Certificate == null)", missing.Attribute("condition")!.Value);
        Assert.Equal("401", missing.Descendants("set-status").Single().Attribute("code")!.Value);
        Assert.Contains("CERTIFICATE_MISSING", missing.Value, StringComparison.Ordinal);
        var onError = policy.Root.Element("on-error")!;
        Assert.Equal("503", onError.Descendants("set-status").Single().Attribute("code")!.Value);
        // The compiled template deploys this very file, as well-formed XML.
        var deployed = infra.Single("Microsoft.ApiManagement/service/apis/policies").GetProperty("properties");
        Assert.Equal("xml", deployed.GetProperty("format").GetString());
        var fileText = File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "infra", "apim", "authorize-policy.xml"));
        Assert.Contains(fileText, StringValues(infra.Template.RootElement));
    }

    private static IEnumerable<string> StringValues(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => StringValues(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(StringValues),
        _ => [],
    };

    private static string LastNameSegment(JsonElement resource)
    {
        var name = resource.GetProperty("name").GetString()!;
        var match = System.Text.RegularExpressions.Regex.Match(name, "'([a-z]+)'\\)\\]$");
        return match.Success ? match.Groups[1].Value : name.Split('/')[^1];
    }
}

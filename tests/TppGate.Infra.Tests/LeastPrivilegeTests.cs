using System.Text.RegularExpressions;

namespace TppGate.Infra.Tests;

/// <summary>
/// Who may do what, as deployed: every role assignment of a deployment with API Management, resolved to
/// (identity, role, resource). The authorizer reads; only the admin app writes bindings; each app writes only its
/// own host storage; APIM reads only its own certificate's vault.
/// </summary>
public sealed class LeastPrivilegeTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    private static readonly Dictionary<string, string> Roles = new(StringComparer.Ordinal)
    {
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"] = "Key Vault Secrets Officer",
        ["db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"] = "Key Vault Certificate User",
        ["21090545-7ca7-4776-b22c-e363652d74d2"] = "Key Vault Reader",
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = "Storage Blob Data Owner",
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["76199698-9eea-4c19-bc75-cec21354c6b6"] = "Storage Table Data Reader",
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
    };

    [Fact]
    public async Task Each_identity_holds_exactly_the_roles_its_app_needs_on_exactly_its_resources()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithApim);
        var granted = snapshot.OfType("Microsoft.Authorization/roleAssignments").Select(Describe).Order(StringComparer.Ordinal).ToList();

        string[] expected =
        [
            // Both apps read the anchors; only with trustedListSigners does the admin app's RefreshTrustedLists timer
            // write them (decision 0012), and only then does it hold Secrets Officer (the tests below).
            "admin: Key Vault Secrets User on Microsoft.KeyVault/vaults/kv-ta-*",
            "admin: Monitoring Metrics Publisher on Microsoft.Insights/components/appi-*",
            // Both apps fetch CRLs and share them (decision 0016): a writer's role on the CRL container, nothing wider.
            "admin: Storage Blob Data Contributor on Microsoft.Storage/storageAccounts/st*/blobServices/default/containers/tppgate-crls",
            "admin: Storage Blob Data Owner on Microsoft.Storage/storageAccounts/stadmin*",
            "admin: Storage Queue Data Contributor on Microsoft.Storage/storageAccounts/stadmin*",
            "admin: Storage Table Data Contributor on Microsoft.Storage/storageAccounts/st*",
            "apim: Key Vault Certificate User on rg-certs/Microsoft.KeyVault/vaults/kv-apim-certs",
            // The public part of APIM's certificate only: the authorizer trusts its current version as the forwarder,
            // and Key Vault Reader cannot fetch the secret that holds the private key (Certificate User can).
            "authz: Key Vault Reader on rg-certs/Microsoft.KeyVault/vaults/kv-apim-certs",
            "authz: Key Vault Secrets User on Microsoft.KeyVault/vaults/kv-ta-*",
            "authz: Monitoring Metrics Publisher on Microsoft.Insights/components/appi-*",
            "authz: Storage Blob Data Contributor on Microsoft.Storage/storageAccounts/st*/blobServices/default/containers/tppgate-crls",
            "authz: Storage Blob Data Owner on Microsoft.Storage/storageAccounts/stauthz*",
            "authz: Storage Queue Data Contributor on Microsoft.Storage/storageAccounts/stauthz*",
            "authz: Storage Table Data Reader on Microsoft.Storage/storageAccounts/st*",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), granted);
    }

    [Fact]
    public async Task The_authorizer_identity_cannot_write_any_table()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithApim);

        Assert.DoesNotContain(snapshot.OfType("Microsoft.Authorization/roleAssignments").Select(Describe), d => d.StartsWith("authz: Storage Table Data Contributor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_trusted_list_signers_no_identity_may_write_the_anchors_vault()
    {
        // Nothing writes anchors unless RefreshTrustedLists runs, and it runs only with signers to check the LOTL
        // against: a compromised admin app must not be able to plant a root the authorizer then trusts.
        var onVault = await RolesOnAnchorVaultAsync(DeploymentSnapshot.Defaults);

        Assert.Equal(
            [
                "admin: Key Vault Secrets User on Microsoft.KeyVault/vaults/kv-ta-*",
                "authz: Key Vault Secrets User on Microsoft.KeyVault/vaults/kv-ta-*",
            ],
            onVault);
    }

    [Fact]
    public async Task With_trusted_list_signers_only_the_admin_identity_may_write_the_anchors_vault_and_it_holds_no_second_role_there()
    {
        var onVault = await RolesOnAnchorVaultAsync(DeploymentSnapshot.WithTrustedLists);

        Assert.Equal(
            [
                "admin: Key Vault Secrets Officer on Microsoft.KeyVault/vaults/kv-ta-*",
                "authz: Key Vault Secrets User on Microsoft.KeyVault/vaults/kv-ta-*",
            ],
            onVault);
    }

    private static async Task<List<string>> RolesOnAnchorVaultAsync(string parameters)
    {
        var snapshot = await DeploymentSnapshot.OfAsync(parameters);
        return snapshot.OfType("Microsoft.Authorization/roleAssignments").Select(Describe)
            .Where(d => d.Contains(" on Microsoft.KeyVault/vaults/kv-ta-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public async Task Neither_app_creates_the_bindings_table_at_run_time_because_the_template_does()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        // With Table Data Reader, CreateIfNotExists is a 403, and every decision would become 503.
        Assert.Single(snapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.All(new[] { "authorizer", "admin" }, s => Assert.Equal("false", snapshot.AppSettings(s)["Bindings__CreateTableIfNotExists"]));
    }

    [Fact]
    public void Each_role_assignment_is_named_from_its_scope_identity_and_role()
    {
        Assert.NotEmpty(infra.RoleAssignments);
        Assert.All(infra.RoleAssignments, a =>
        {
            // guid(scope id, identity id, role id): stable across deployments and unique per scope, principal and role.
            Assert.Matches(
                @"^\[guid\(resourceId\('Microsoft\.[A-Za-z]+/[A-Za-z]+(?:/[A-Za-z]+/[A-Za-z]+)?', parameters\('\w+'\)(?:, 'default', variables\('\w+'\))?\), (?:resourceId|extensionResourceId)\(.*'Microsoft\.ManagedIdentity/userAssignedIdentities', parameters\('\w+'\)\), variables\('\w+'\)\)\]$",
                a.Name);
            Assert.Equal("ServicePrincipal", a.PrincipalType);
            Assert.Contains(a.RoleGuid, Roles.Keys);
        });
    }

    [Fact]
    public void Every_role_id_in_the_bicep_sits_under_a_comment_naming_the_role()
    {
        var files = Directory.EnumerateFiles(Path.Combine(BicepCli.RepositoryRoot, "infra"), "*.bicep", SearchOption.AllDirectories);
        var seen = 0;
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var role = Regex.Match(lines[i], "roleDefinitions', '([0-9a-f-]{36})'");
                if (!role.Success)
                {
                    continue;
                }

                seen++;
                Assert.True(Roles.TryGetValue(role.Groups[1].Value, out var name), $"{file}:{i + 1} grants an unexpected role {role.Groups[1].Value}");
                // The comment block right above the role id starts with the role's name.
                var start = i - 1;
                while (start > 0 && lines[start - 1].TrimStart().StartsWith("//", StringComparison.Ordinal))
                {
                    start--;
                }

                Assert.True(lines[i - 1].TrimStart().StartsWith("//", StringComparison.Ordinal), $"{file}:{i + 1} has no comment above its role id");
                Assert.StartsWith($"// {name}", lines[start].Trim(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(Roles.Count, seen);
    }

    internal static string Describe(System.Text.Json.JsonElement assignment)
    {
        var id = assignment.GetProperty("id").GetString()!;
        var properties = assignment.GetProperty("properties");
        var principal = Regex.Match(properties.GetProperty("principalId").GetString()!, @"userAssignedIdentities/id-tppgate-([a-z]+)-");
        Assert.True(principal.Success, "principal is not a TppGate identity: " + properties.GetProperty("principalId").GetString());
        var role = Regex.Match(properties.GetProperty("roleDefinitionId").GetString()!, "roleDefinitions/([0-9a-f-]{36})$").Groups[1].Value;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", assignment.GetProperty("name").GetString());
        var scope = Regex.Match(id, @"^/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/([^/]+/[^/]+)/([^/]+)((?:/[^/]+/[^/]+)*)/providers/Microsoft\.Authorization/roleAssignments/");
        Assert.True(scope.Success, id);
        // The TppGate resources carry the resource token; other resource groups' resources are named in full.
        var group = scope.Groups[1].Value;
        var name = group == "rg-prod" ? Regex.Replace(scope.Groups[3].Value, "[a-z0-9]{13}$", "*") : scope.Groups[3].Value;
        // A child scope (a blob container) follows its account: .../storageAccounts/st*/blobServices/default/containers/name.
        var where = group == "rg-prod" ? $"{scope.Groups[2].Value}/{name}{scope.Groups[4].Value}" : $"{group}/{scope.Groups[2].Value}/{name}{scope.Groups[4].Value}";
        return $"{principal.Groups[1].Value}: {Roles[role]} on {where}";
    }
}

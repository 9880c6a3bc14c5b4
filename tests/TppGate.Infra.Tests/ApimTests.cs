namespace TppGate.Infra.Tests;

/// <summary>API Management as deployed: operations so the policy runs, and a certificate that resolves on the first deployment.</summary>
public sealed class ApimTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    private const string KeyVaultCertificateUser = "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba";

    [Fact]
    public async Task The_tpp_facing_api_has_a_wildcard_operation_for_every_method_psd2_uses()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithApim);
        var operations = snapshot.OfType("Microsoft.ApiManagement/service/apis/operations").ToList();

        Assert.Equal(["DELETE", "GET", "PATCH", "POST", "PUT"], operations.Select(o => o.GetProperty("properties").GetProperty("method").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(operations, o =>
        {
            Assert.Equal("/*", o.GetProperty("properties").GetProperty("urlTemplate").GetString());
            Assert.StartsWith(snapshot.Named("Microsoft.ApiManagement/service/apis", o.GetProperty("name").GetString()!.Split('/')[0] + "/psd2").GetProperty("name").GetString() + "/", o.GetProperty("name").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_deployed_policy_is_the_policy_file_and_names_the_authorizer_app()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithApim);
        var policy = Assert.Single(snapshot.OfType("Microsoft.ApiManagement/service/apis/policies")).GetProperty("properties");
        var url = Assert.Single(snapshot.OfType("Microsoft.ApiManagement/service/namedValues")).GetProperty("properties");

        Assert.Equal("xml", policy.GetProperty("format").GetString());
        Assert.Equal(File.ReadAllText(ApimPolicy.PathOnDisk), policy.GetProperty("value").GetString());
        Assert.Equal("tppgate-authorizer-url", url.GetProperty("displayName").GetString());
        Assert.StartsWith("[format('https://{0}/api/authorize', reference(", url.GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Contains("format('authorizer-{0}'", url.GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(".outputs.defaultHostName.value)]", url.GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apim_reads_its_certificate_with_a_user_assigned_identity_granted_key_vault_certificate_user_on_that_vault()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithApim);
        var service = Assert.Single(snapshot.OfType("Microsoft.ApiManagement/service"));
        var identities = service.GetProperty("identity");
        var certificate = Assert.Single(snapshot.OfType("Microsoft.ApiManagement/service/certificates")).GetProperty("properties").GetProperty("keyVault");
        var grant = Assert.Single(snapshot.OfType("Microsoft.Authorization/roleAssignments"), r => r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.EndsWith(KeyVaultCertificateUser, StringComparison.Ordinal)
            && r.GetProperty("properties").GetProperty("principalId").GetString()!.Contains("/userAssignedIdentities/id-tppgate-apim-", StringComparison.Ordinal));

        Assert.Equal("UserAssigned", identities.GetProperty("type").GetString());
        var identityId = Assert.Single(identities.GetProperty("userAssignedIdentities").EnumerateObject()).Name;
        Assert.Contains("/userAssignedIdentities/id-tppgate-apim-", identityId, StringComparison.Ordinal);
        Assert.Contains(identityId, certificate.GetProperty("identityClientId").GetString(), StringComparison.Ordinal);
        Assert.Contains(identityId, grant.GetProperty("properties").GetProperty("principalId").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(
            $"/subscriptions/{DeploymentSnapshot.SubscriptionId}/resourceGroups/{DeploymentSnapshot.ApimCertificateVaultResourceGroup}/providers/Microsoft.KeyVault/vaults/{DeploymentSnapshot.ApimCertificateVault}/providers/Microsoft.Authorization/roleAssignments/",
            grant.GetProperty("id").GetString(),
            StringComparison.Ordinal);
        // Versionless: a new version in Key Vault reaches APIM without a redeployment.
        var secret = certificate.GetProperty("secretIdentifier").GetString();
        Assert.StartsWith("[format('{0}secrets/{1}', reference(", secret, StringComparison.Ordinal);
        Assert.Contains($"'{DeploymentSnapshot.ApimCertificateVaultResourceGroup}', 'Microsoft.Resources/deployments', format('apimVaultAccess-{{0}}'", secret, StringComparison.Ordinal);
        Assert.EndsWith($".outputs.vaultUri.value, '{DeploymentSnapshot.ApimCertificateName}')]", secret, StringComparison.Ordinal);
    }

    [Fact]
    public void Api_management_is_deployed_only_after_its_identity_may_read_the_certificate()
    {
        var modules = infra.Template.RootElement.GetProperty("resources");
        var apimDependsOn = modules.GetProperty("apim").GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()).ToList();
        var grantDependsOn = modules.GetProperty("apimVaultAccess").GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()).ToList();

        // The certificate (inside the apim module) is created after the grant; the grant after the identity.
        Assert.Contains("apimVaultAccess", apimDependsOn);
        Assert.Contains("apimIdentity", grantDependsOn);
        Assert.DoesNotContain("apim", grantDependsOn);
        var nested = modules.GetProperty("apim").GetProperty("properties").GetProperty("template").GetProperty("resources").EnumerateArray();
        var service = Assert.Single(nested, r => r.GetProperty("type").GetString() == "Microsoft.ApiManagement/service");
        Assert.Equal("UserAssigned", service.GetProperty("identity").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Without_apim_no_apim_resource_and_no_trusted_forwarder_is_deployed()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        Assert.DoesNotContain(snapshot.Resources, r => r.GetProperty("type").GetString()!.StartsWith("Microsoft.ApiManagement", StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot.Resources, r => r.GetProperty("name").GetString()!.StartsWith("id-tppgate-apim-", StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot.Resources, r => r.GetProperty("id").GetString()!.Contains("/resourceGroups/rg-certs/", StringComparison.Ordinal));
    }
}

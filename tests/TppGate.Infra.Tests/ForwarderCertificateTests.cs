namespace TppGate.Infra.Tests;

/// <summary>
/// The APIM topology as deployed: the authorizer reads APIM's client certificate from the vault that holds it
/// (Authorizer__Request__TrustedForwarderKeyVaultCertificate__*), with its own identity and Key Vault Certificate
/// User on that vault, so rotating the certificate there rotates the trusted forwarder with no redeploy. A fixed
/// thumbprint (apimBackendCertificateThumbprint) keeps working when it is set.
/// </summary>
public sealed class ForwarderCertificateTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    private const string Prefix = "Authorizer__Request__TrustedForwarderKeyVaultCertificate__";
    private const string ThumbprintSetting = "Authorizer__Request__TrustedForwarders__0__CertificateThumbprint";

    private static readonly string WithApimWithoutThumbprint = DeploymentSnapshot.WithApim.Replace(
        $"param apimBackendCertificateThumbprint = '{DeploymentSnapshot.ApimThumbprint}'", "", StringComparison.Ordinal);

    [Fact]
    public async Task With_apim_the_authorizer_reads_apims_certificate_from_its_vault_with_its_own_identity()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(WithApimWithoutThumbprint);
        var settings = snapshot.AppSettings("authorizer");

        // The vault URI is the output of the authorizer's grant on APIM's certificate vault (so the app waits for it).
        Assert.StartsWith(
            $"[reference(resourceId('{DeploymentSnapshot.SubscriptionId}', '{DeploymentSnapshot.ApimCertificateVaultResourceGroup}', 'Microsoft.Resources/deployments', format('authorizerApimCertificateAccess-{{0}}'",
            settings[Prefix + "VaultUri"],
            StringComparison.Ordinal);
        Assert.EndsWith(".outputs.vaultUri.value]", settings[Prefix + "VaultUri"], StringComparison.Ordinal);
        Assert.Equal(DeploymentSnapshot.ApimCertificateName, settings[Prefix + "CertificateName"]);
        Assert.Contains("format('authorizerIdentity-{0}'", settings[Prefix + "ManagedIdentityClientId"], StringComparison.Ordinal);
        Assert.EndsWith(".outputs.clientId.value]", settings[Prefix + "ManagedIdentityClientId"], StringComparison.Ordinal);
        // Without a thumbprint parameter the vault is the only source of the forwarder's certificate.
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Authorizer__Request__TrustedForwarders__", StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot.AppSettings("admin").Keys, k => k.StartsWith(Prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_authorizer_identity_holds_key_vault_reader_on_apims_certificate_vault_so_it_cannot_read_apims_private_key()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(WithApimWithoutThumbprint);
        var onCertificateVault = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(r => r.GetProperty("id").GetString()!.Contains($"/resourceGroups/{DeploymentSnapshot.ApimCertificateVaultResourceGroup}/", StringComparison.Ordinal))
            .Select(LeastPrivilegeTests.Describe)
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "apim: Key Vault Certificate User on rg-certs/Microsoft.KeyVault/vaults/kv-apim-certs",
                "authz: Key Vault Reader on rg-certs/Microsoft.KeyVault/vaults/kv-apim-certs",
            ],
            onCertificateVault);
        // The grant exists before the authorizer app that uses it, and needs nothing of API Management.
        var modules = infra.Template.RootElement.GetProperty("resources");
        Assert.Contains("authorizerApimCertificateAccess", modules.GetProperty("authorizer").GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()));
        var grantDependsOn = modules.GetProperty("authorizerApimCertificateAccess").GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Contains("authorizerIdentity", grantDependsOn);
        Assert.DoesNotContain("apim", grantDependsOn);
        Assert.DoesNotContain("authorizer", grantDependsOn);
    }

    [Fact]
    public async Task A_fixed_thumbprint_when_given_is_trusted_alongside_the_vault_certificate()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithApim);
        var settings = snapshot.AppSettings("authorizer");

        Assert.Equal(DeploymentSnapshot.ApimThumbprint, settings[ThumbprintSetting]);
        Assert.Equal(DeploymentSnapshot.ApimCertificateName, settings[Prefix + "CertificateName"]);
    }

    [Fact]
    public async Task Without_apim_the_authorizer_reads_no_forwarder_certificate_and_holds_no_grant_outside_its_resource_group()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        Assert.All(new[] { "authorizer", "admin" }, s => Assert.DoesNotContain(snapshot.AppSettings(s).Keys, k => k.StartsWith(Prefix, StringComparison.Ordinal)));
        Assert.DoesNotContain(snapshot.OfType("Microsoft.Authorization/roleAssignments"), r => r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.EndsWith("db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", StringComparison.Ordinal));
    }
}

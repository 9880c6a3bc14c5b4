namespace TppGate.Infra.Tests;

/// <summary>
/// The shared CRL store as deployed (decision 0016): a private container in the data account, a writer's role for
/// each app's identity scoped to that container alone, and the settings that point both apps at it with their
/// own identity, without creating containers at run time (the https endpoint is checked at start-up by the app).
/// </summary>
public sealed class CrlStoreInfraTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    private const string ContainerType = "Microsoft.Storage/storageAccounts/blobServices/containers";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    [Fact]
    public void The_data_account_holds_a_private_crl_container()
    {
        var container = Assert.Single(infra.OfType(ContainerType), c => c.GetProperty("name").GetString()!.Contains("crlContainerName", StringComparison.Ordinal));

        Assert.Equal("None", container.GetProperty("properties").GetProperty("publicAccess").GetString());
        var storage = Assert.Single(infra.Resources, r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString()!.Contains("storage", StringComparison.OrdinalIgnoreCase)
            && r.GetProperty("properties").GetProperty("template").GetProperty("variables").TryGetProperty("crlContainerName", out _));
        Assert.Equal("tppgate-crls", storage.GetProperty("properties").GetProperty("template").GetProperty("variables").GetProperty("crlContainerName").GetString());
    }

    [Fact]
    public void Blob_data_contributor_is_granted_twice_and_only_on_the_crl_container()
    {
        var grants = infra.RoleAssignments.Where(a => a.RoleGuid == BlobDataContributor).ToList();

        Assert.Equal(2, grants.Count);
        Assert.All(grants, g => Assert.Equal(
            "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('name'), 'default', variables('crlContainerName'))]",
            g.Scope));
    }

    [Fact]
    public async Task Each_identity_writes_crls_in_the_crl_container_and_nowhere_else_in_the_data_account()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var onData = snapshot.OfType("Microsoft.Authorization/roleAssignments").Select(LeastPrivilegeTests.Describe)
            .Where(d => d.Contains("Storage Blob", StringComparison.Ordinal) && d.Contains("storageAccounts/st*", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "admin: Storage Blob Data Contributor on Microsoft.Storage/storageAccounts/st*/blobServices/default/containers/tppgate-crls",
                "authz: Storage Blob Data Contributor on Microsoft.Storage/storageAccounts/st*/blobServices/default/containers/tppgate-crls",
            ],
            onData);
    }

    [Theory]
    [InlineData("authorizer")]
    [InlineData("admin")]
    public async Task Both_apps_use_the_data_accounts_crl_container_with_their_own_identity_and_never_create_it(string service)
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var settings = snapshot.AppSettings(service);
        // The value is the data account's blob endpoint (ARM resolves it at deployment): the module the table URI comes from.
        Assert.Contains("blobServiceUri", settings["CrlStore__BlobServiceUri"], StringComparison.Ordinal);
        Assert.Equal(settings["Bindings__TableServiceUri"].Replace("tableServiceUri", "blobServiceUri", StringComparison.Ordinal), settings["CrlStore__BlobServiceUri"]);
        Assert.Contains("crlContainerName", settings["CrlStore__ContainerName"], StringComparison.Ordinal);
        Assert.Equal("false", settings["CrlStore__CreateContainerIfNotExists"]);
        Assert.Equal(settings["Bindings__ManagedIdentityClientId"], settings["CrlStore__ManagedIdentityClientId"]);
        Assert.Contains("userAssignedIdentities/", settings["CrlStore__ManagedIdentityClientId"], StringComparison.Ordinal);
        Assert.False(settings.ContainsKey("CrlStore__ConnectionString"));
    }
}

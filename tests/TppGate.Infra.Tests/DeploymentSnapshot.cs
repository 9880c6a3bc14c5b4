using System.Collections.Concurrent;
using System.Text.Json;

namespace TppGate.Infra.Tests;

/// <summary>
/// What a deployment of infra/main.bicep with given parameters would create, every expression the Bicep CLI can
/// evaluate without Azure already evaluated (names, ids, role assignment scopes, app settings, policies): the output
/// of <c>bicep snapshot</c>. Values only Azure knows (a new identity's principal id) stay ARM expressions naming
/// the resource they come from.
/// </summary>
public sealed class DeploymentSnapshot
{
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000001";
    public const string AdminAppClientId = "11111111-2222-3333-4444-555555555555";
    public const string TokenAuthority = "https://login.example.invalid/tenant-a/v2.0";
    public const string TokenAudience = "api://psd2-gateway";
    public const string ActionGroupId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/psd2-oncall";
    public const string ApimCertificateVault = "kv-apim-certs";
    public const string ApimCertificateVaultResourceGroup = "rg-certs";
    public const string ApimCertificateName = "apim-backend";
    public const string ApimThumbprint = "3f7c1e0ad7b1d2c39a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012";

    /// <summary>The required parameters, nothing else: every other value is the template's default.</summary>
    public const string Defaults = $"""
        param environmentName = 'prod'
        param location = 'westeurope'
        param adminAppClientId = '{AdminAppClientId}'
        param tokenAuthority = '{TokenAuthority}'
        param tokenAudience = '{TokenAudience}'
        param alertActionGroupId = '{ActionGroupId}'
        """;

    /// <summary>The API Management topology.</summary>
    public const string WithApim = Defaults + $"""

        param deployApim = true
        param apimCertificateVaultName = '{ApimCertificateVault}'
        param apimCertificateVaultResourceGroup = '{ApimCertificateVaultResourceGroup}'
        param apimCertificateName = '{ApimCertificateName}'
        param apimBackendCertificateThumbprint = '{ApimThumbprint}'
        """;

    /// <summary>Two pinned LOTL signers (opaque to the template: it passes them through in order) and a custom schedule.</summary>
    public const string LotlSignerA = "MIIBLOTLSIGNERAAAA";
    public const string LotlSignerB = "MIIBLOTLSIGNERBBBB";
    public const string TrustedListsSchedule = "0 15 2 * * *";

    /// <summary>The trusted-list timer on: LOTL signers pinned.</summary>
    public const string WithTrustedLists = Defaults + $"""

        param trustedListSigners = ['{LotlSignerA}', '{LotlSignerB}']
        param trustedListsSchedule = '{TrustedListsSchedule}'
        """;

    private static readonly ConcurrentDictionary<string, Lazy<Task<DeploymentSnapshot>>> Cache = new(StringComparer.Ordinal);

    private DeploymentSnapshot(JsonDocument document)
    {
        Document = document;
        Resources = document.RootElement.GetProperty("predictedResources").EnumerateArray().ToList();
    }

    public JsonDocument Document { get; }

    public IReadOnlyList<JsonElement> Resources { get; }

    public string ResourceGroupId => $"/subscriptions/{SubscriptionId}/resourceGroups/rg-prod";

    /// <summary>Snapshots are taken once per parameter set for the whole test run.</summary>
    public static Task<DeploymentSnapshot> OfAsync(string parameters) =>
        Cache.GetOrAdd(parameters, p => new Lazy<Task<DeploymentSnapshot>>(() => TakeAsync(p))).Value;

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    public JsonElement Named(string type, string name) =>
        Assert.Single(OfType(type), r => r.GetProperty("name").GetString() == name);

    /// <summary>The Function App whose azd service tag is <paramref name="service"/> (authorizer or admin).</summary>
    public JsonElement Site(string service) =>
        Assert.Single(OfType("Microsoft.Web/sites"), r => r.GetProperty("tags").GetProperty("azd-service-name").GetString() == service);

    public IReadOnlyDictionary<string, string> AppSettings(string service)
    {
        var settings = Site(service).GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .Select(s => (Name: s.GetProperty("name").GetString()!, Value: s.GetProperty("value").GetString()!))
            .ToList();
        // A setting named twice would leave the value to chance.
        Assert.Equal(settings.Count, settings.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        return settings.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
    }

    public JsonElement AuthSettings(string service) =>
        Named("Microsoft.Web/sites/config", Site(service).GetProperty("name").GetString() + "/authsettingsV2");

    private static async Task<DeploymentSnapshot> TakeAsync(string parameters)
    {
        var folder = Directory.CreateTempSubdirectory("tppgate-snapshot-");
        try
        {
            var main = Path.Combine(BicepCli.RepositoryRoot, "infra", "main.bicep");
            var file = Path.Combine(folder.FullName, "deployment.bicepparam");
            var relative = Path.GetRelativePath(folder.FullName, main).Replace('\\', '/');
            await File.WriteAllTextAsync(file, $"using '{relative}'\n{parameters}\n");
            var (exitCode, stdout, stderr) = await BicepCli.RunAsync(
                "snapshot", file, "--mode", "overwrite", "--subscription-id", SubscriptionId, "--location", "westeurope",
                "--tenant-id", "00000000-0000-0000-0000-0000000000aa");
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"bicep snapshot failed ({exitCode}): {stdout}{stderr}");
            }

            var json = await File.ReadAllTextAsync(Path.Combine(folder.FullName, "deployment.snapshot.json"));
            return new DeploymentSnapshot(JsonDocument.Parse(json));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}

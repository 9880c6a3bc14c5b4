using System.Text.Json;
using System.Text.RegularExpressions;

namespace TppGate.Infra.Tests;

/// <summary>
/// docs/decisions/0007: the authorizer and the admin API are two Function Apps from one package. The authorizer
/// requires client certificates with no exclusion path (any exclusion path makes App Service renegotiate TLS, which
/// TLS 1.3 and HTTP/2 clients cannot do); the admin app requires an Entra token for everything but /api/health.
/// </summary>
public sealed class TwoAppTopologyTests
{
    private static readonly string[] FunctionsFromSource = ReadFunctionNames();

    [Fact]
    public async Task Authorizer_app_requires_client_certificates_everywhere_with_no_exclusion_path()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var site = snapshot.Site("authorizer").GetProperty("properties");

        Assert.True(site.GetProperty("clientCertEnabled").GetBoolean());
        Assert.Equal("Required", site.GetProperty("clientCertMode").GetString());
        // Deployed as empty so an upgrade clears the old '/api/bindings;/api/certificates;/api/health'.
        Assert.Equal("", site.GetProperty("clientCertExclusionPaths").GetString());
        Assert.True(site.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("1.2", site.GetProperty("siteConfig").GetProperty("minTlsVersion").GetString());
        Assert.Equal("Disabled", site.GetProperty("siteConfig").GetProperty("ftpsState").GetString());
        Assert.Equal("Authorizer", snapshot.AppSettings("authorizer")["TppGate__Surface"]);
    }

    [Fact]
    public async Task Authorizer_app_keeps_app_service_authentication_off_and_has_no_admin_audience()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var auth = snapshot.AuthSettings("authorizer").GetProperty("properties");

        Assert.False(auth.GetProperty("platform").GetProperty("enabled").GetBoolean());
        Assert.False(snapshot.AppSettings("authorizer").ContainsKey("Admin__Audience"));
    }

    [Fact]
    public async Task Admin_app_requires_an_entra_token_for_everything_but_health_and_no_client_certificate()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var site = snapshot.Site("admin").GetProperty("properties");
        var auth = snapshot.AuthSettings("admin").GetProperty("properties");
        var settings = snapshot.AppSettings("admin");

        Assert.False(site.GetProperty("clientCertEnabled").GetBoolean());
        Assert.Equal("", site.GetProperty("clientCertExclusionPaths").GetString());
        Assert.True(auth.GetProperty("platform").GetProperty("enabled").GetBoolean());
        var validation = auth.GetProperty("globalValidation");
        Assert.True(validation.GetProperty("requireAuthentication").GetBoolean());
        Assert.Equal("Return401", validation.GetProperty("unauthenticatedClientAction").GetString());
        Assert.Equal(["/api/health"], validation.GetProperty("excludedPaths").EnumerateArray().Select(p => p.GetString()));
        var aad = auth.GetProperty("identityProviders").GetProperty("azureActiveDirectory");
        Assert.True(aad.GetProperty("enabled").GetBoolean());
        Assert.Equal(DeploymentSnapshot.AdminAppClientId, aad.GetProperty("registration").GetProperty("clientId").GetString());
        Assert.Equal([DeploymentSnapshot.AdminAppClientId], aad.GetProperty("validation").GetProperty("allowedAudiences").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(DeploymentSnapshot.AdminAppClientId, settings["Admin__Audience"]);
        Assert.Equal("Admin", settings["TppGate__Surface"]);
        Assert.DoesNotContain("Authorizer__Request__TrustedForwarders__0__CertificateThumbprint", settings.Keys);
    }

    [Fact]
    public async Task Deployment_without_an_admin_app_registration_is_refused_by_the_template()
    {
        var snapshot = await Assert.ThrowsAsync<InvalidOperationException>(() => DeploymentSnapshot.OfAsync(
            DeploymentSnapshot.Defaults.Replace(DeploymentSnapshot.AdminAppClientId, "", StringComparison.Ordinal)));

        // BCP333 on line 4 of the parameter file: the adminAppClientId line (@minLength(1)).
        Assert.Contains("deployment.bicepparam(4,", snapshot.Message, StringComparison.Ordinal);
        Assert.Contains("minimum allowable length is 1", snapshot.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_function_in_the_source_belongs_to_exactly_one_surface_or_to_both()
    {
        var surfaces = Surfaces();
        var listed = surfaces.Values.SelectMany(v => v).ToList();

        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(FunctionsFromSource.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(["Authorize"], surfaces["authorizer"]);
        Assert.Equal(["Health"], surfaces["both"]);
        // App setting names on Linux: letters, digits, periods and underscores (a hyphen cannot be disabled).
        Assert.All(listed, name => Assert.Matches("^[A-Za-z0-9_]+$", name));
    }

    [Fact]
    public async Task Each_app_disables_exactly_the_functions_of_the_other_surface()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var surfaces = Surfaces();

        var pinned = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithTrustedLists);

        Assert.Equal(Disabled(surfaces["admin"]), DisabledIn(snapshot, "authorizer"));
        Assert.Equal(Disabled(surfaces["admin"]), DisabledIn(pinned, "authorizer"));
        Assert.Equal(Disabled(surfaces["authorizer"]), DisabledIn(pinned, "admin"));
        // Without pinned LOTL signers the admin app also disables its own trusted-list timer (TrustedListSettingsTests).
        Assert.Equal(Disabled([.. surfaces["authorizer"], "RefreshTrustedLists"]), DisabledIn(snapshot, "admin"));
        Assert.Contains("AzureWebJobs.RegisterBinding.Disabled", DisabledIn(snapshot, "authorizer"));
        // The trusted-list timer writes anchors: only the admin identity may (decision 0012).
        Assert.Contains("AzureWebJobs.RefreshTrustedLists.Disabled", DisabledIn(snapshot, "authorizer"));
        Assert.Contains("AzureWebJobs.Authorize.Disabled", DisabledIn(snapshot, "admin"));
    }

    [Fact]
    public async Task Both_apps_run_on_their_own_flex_consumption_plan_and_host_storage()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var plans = snapshot.OfType("Microsoft.Web/serverfarms").ToList();

        Assert.Equal(2, plans.Count);
        Assert.All(plans, p => Assert.Equal("FlexConsumption", p.GetProperty("sku").GetProperty("tier").GetString()));
        var farms = new[] { "authorizer", "admin" }.Select(s => snapshot.Site(s).GetProperty("properties").GetProperty("serverFarmId").GetString()).ToList();
        Assert.Equal(2, farms.Distinct(StringComparer.Ordinal).Count());
        Assert.All(farms, f => Assert.Contains(plans, p => p.GetProperty("id").GetString() == f));
        var packages = new[] { "authorizer", "admin" }
            .Select(s => snapshot.Site(s).GetProperty("properties").GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage").GetProperty("value").GetString())
            .ToList();
        Assert.Contains("authorizerHostStorage", packages[0], StringComparison.Ordinal);
        Assert.Contains("adminHostStorage", packages[1], StringComparison.Ordinal);
        Assert.All(new[] { "authorizer", "admin" }, s =>
        {
            var runtime = snapshot.Site(s).GetProperty("properties").GetProperty("functionAppConfig").GetProperty("runtime");
            Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
            Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        });
    }

    [Fact]
    public async Task Azd_deploys_the_one_functions_package_to_both_apps_by_their_service_tags()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var yaml = File.ReadAllLines(Path.Combine(BicepCli.RepositoryRoot, "azure.yaml"));
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in yaml)
        {
            var service = Regex.Match(line, "^  ([a-z]+):$");
            var project = Regex.Match(line, "^    project: (.+)$");
            if (service.Success)
            {
                current = service.Groups[1].Value;
            }
            else if (project.Success && current is not null)
            {
                services[current] = project.Groups[1].Value.Trim();
            }
        }

        Assert.Equal(new Dictionary<string, string>
        {
            ["authorizer"] = "./src/TppGate.Functions",
            ["admin"] = "./src/TppGate.Functions",
        }, services);
        Assert.All(services.Keys, s => Assert.Equal("functionapp,linux", snapshot.Site(s).GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task No_ip_rule_names_the_api_management_service_tag()
    {
        foreach (var parameters in new[] { DeploymentSnapshot.Defaults, DeploymentSnapshot.WithApim })
        {
            var snapshot = await DeploymentSnapshot.OfAsync(parameters);
            foreach (var site in snapshot.OfType("Microsoft.Web/sites"))
            {
                var config = site.GetProperty("properties").GetProperty("siteConfig");
                Assert.False(config.TryGetProperty("ipSecurityRestrictions", out _));
                Assert.False(config.TryGetProperty("ipSecurityRestrictionsDefaultAction", out _));
            }

            Assert.DoesNotContain("ApiManagement'", snapshot.Document.RootElement.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain("\"ServiceTag\"", snapshot.Document.RootElement.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Apim_topology_trusts_apims_certificate_on_the_authorizer_only()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.WithApim);

        Assert.Equal(DeploymentSnapshot.ApimThumbprint, snapshot.AppSettings("authorizer")["Authorizer__Request__TrustedForwarders__0__CertificateThumbprint"]);
        Assert.Equal("apim", snapshot.AppSettings("authorizer")["Authorizer__Request__TrustedForwarders__0__Name"]);
        Assert.DoesNotContain(snapshot.AppSettings("admin").Keys, k => k.StartsWith("Authorizer__Request__TrustedForwarders", StringComparison.Ordinal));
        var direct = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        Assert.DoesNotContain(direct.AppSettings("authorizer").Keys, k => k.StartsWith("Authorizer__Request__TrustedForwarders", StringComparison.Ordinal));
    }

    internal static string[] Disabled(IEnumerable<string> functions) =>
        functions.Select(f => $"AzureWebJobs.{f}.Disabled").Order(StringComparer.Ordinal).ToArray();

    internal static string[] DisabledIn(DeploymentSnapshot snapshot, string service) =>
        snapshot.AppSettings(service)
            .Where(s => s.Key.StartsWith("AzureWebJobs.", StringComparison.Ordinal) && s.Key.EndsWith(".Disabled", StringComparison.Ordinal))
            .Select(s =>
            {
                Assert.Equal("true", s.Value);
                return s.Key;
            })
            .Order(StringComparer.Ordinal)
            .ToArray();

    internal static Dictionary<string, string[]> Surfaces()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "infra", "functions.json")));
        return new[] { "authorizer", "both", "admin" }.ToDictionary(
            s => s,
            s => json.RootElement.GetProperty(s).EnumerateArray().Select(e => e.GetString()!).ToArray(),
            StringComparer.Ordinal);
    }

    private static string[] ReadFunctionNames()
    {
        var folder = Path.Combine(BicepCli.RepositoryRoot, "src", "TppGate.Functions");
        return Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\[Function\((?:nameof\((\w+)\)|""(\w+)"")\)\]").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value))
            .ToArray();
    }
}

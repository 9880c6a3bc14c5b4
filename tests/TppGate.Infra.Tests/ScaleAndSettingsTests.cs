using System.Text.Json;

namespace TppGate.Infra.Tests;

/// <summary>Issue 10 item 6 (Flex scale settings, host.json) and the token settings of decision 0008.</summary>
public sealed class ScaleAndSettingsTests
{
    [Fact]
    public async Task The_authorizer_keeps_two_warm_instances_and_takes_64_concurrent_requests_each_by_default()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);
        var scale = Scale(snapshot, "authorizer");

        var warm = Assert.Single(scale.GetProperty("alwaysReady").EnumerateArray());
        Assert.Equal("http", warm.GetProperty("name").GetString());
        Assert.Equal(2, warm.GetProperty("instanceCount").GetInt32());
        Assert.Equal(64, scale.GetProperty("triggers").GetProperty("http").GetProperty("perInstanceConcurrency").GetInt32());
        Assert.Equal(2048, scale.GetProperty("instanceMemoryMB").GetInt32());
        Assert.Equal(100, scale.GetProperty("maximumInstanceCount").GetInt32());
    }

    [Fact]
    public async Task The_admin_app_scales_to_zero()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        Assert.Empty(Scale(snapshot, "admin").GetProperty("alwaysReady").EnumerateArray());
    }

    [Fact]
    public async Task Authorizer_scale_settings_are_parameters()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults + """

            param authorizerAlwaysReadyInstances = 3
            param authorizerHttpPerInstanceConcurrency = 32
            param authorizerInstanceMemoryMB = 4096
            param authorizerMaximumInstanceCount = 250
            """);
        var scale = Scale(snapshot, "authorizer");

        Assert.Equal(3, Assert.Single(scale.GetProperty("alwaysReady").EnumerateArray()).GetProperty("instanceCount").GetInt32());
        Assert.Equal(32, scale.GetProperty("triggers").GetProperty("http").GetProperty("perInstanceConcurrency").GetInt32());
        Assert.Equal(4096, scale.GetProperty("instanceMemoryMB").GetInt32());
        Assert.Equal(250, scale.GetProperty("maximumInstanceCount").GetInt32());
        // Admin keeps its own settings.
        Assert.Equal(2048, Scale(snapshot, "admin").GetProperty("instanceMemoryMB").GetInt32());
    }

    [Fact]
    public async Task Both_apps_verify_access_tokens_against_the_configured_authority_and_audience()
    {
        var snapshot = await DeploymentSnapshot.OfAsync(DeploymentSnapshot.Defaults);

        foreach (var service in new[] { "authorizer", "admin" })
        {
            var settings = snapshot.AppSettings(service);
            Assert.Equal(DeploymentSnapshot.TokenAuthority, settings["Authorizer__Tokens__Authority"]);
            Assert.Equal(DeploymentSnapshot.TokenAudience, settings["Authorizer__Tokens__Audiences__0"]);
        }
    }

    [Fact]
    public void Host_json_samples_requests_not_exceptions_and_keeps_per_invocation_logs_out_of_the_hot_path()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "host.json")));
        var root = host.RootElement;
        var logging = root.GetProperty("logging");

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("api", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        // "Executing/Executed" lines for every PSD2 call would cost more than the decision; warnings still show.
        Assert.Equal("Warning", logging.GetProperty("logLevel").GetProperty("Function").GetString());
        Assert.Equal("Information", logging.GetProperty("logLevel").GetProperty("Host.Results").GetString());
        Assert.Equal("Information", logging.GetProperty("logLevel").GetProperty("TppGate").GetString());
        var sampling = logging.GetProperty("applicationInsights").GetProperty("samplingSettings");
        Assert.True(sampling.GetProperty("isEnabled").GetBoolean());
        Assert.Equal("Exception", sampling.GetProperty("excludedTypes").GetString());
        // Timers (trusted lists, CRLs) may take minutes; the authorizer has its own 1 s storage deadline.
        Assert.Equal("00:05:00", root.GetProperty("functionTimeout").GetString());
    }

    private static JsonElement Scale(DeploymentSnapshot snapshot, string service) =>
        snapshot.Site(service).GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency");
}

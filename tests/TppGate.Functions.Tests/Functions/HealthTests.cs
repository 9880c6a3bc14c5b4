using TppGate.Testing.Waiting;
using System.Text.Json;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests.Functions;

/// <summary>Issue 8 item 14: anonymous health says healthy or unhealthy and nothing else; details need the Reader role.</summary>
public sealed class HealthTests(AzuriteInstance azurite)
{
    private static async Task<FunctionResponse> HealthyAsync(FunctionsAppHost app, params KeyValuePair<string, string>[] headers)
    {
        FunctionResponse? health = null;
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(5), async () => (health = await app.SendAsync("GET", "/api/health", headers)).Status == 200), health?.Text);
        return health!;
    }

    private static string[] PropertiesOf(FunctionResponse response) => [.. response.Json!.Value.EnumerateObject().Select(p => p.Name)];

    [Theory]
    [InlineData("Authorizer")]
    [InlineData("Admin")]
    public async Task Anonymous_health_says_only_healthy(string surface)
    {
        await using var app = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, surface));

        var health = await HealthyAsync(app);

        Assert.Equal(["status"], PropertiesOf(health));
        Assert.Equal("healthy", health.Json!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reader_on_the_admin_app_sees_anchor_and_feed_details()
    {
        await using var app = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Admin"));

        var health = await HealthyAsync(app, AppService.Principal(Caller.ReaderRole));

        Assert.Equal(3, health.Json!.Value.GetProperty("trustAnchors").GetInt32());
        Assert.Equal(JsonValueKind.String, health.Json!.Value.GetProperty("changeFeedReadAt").ValueKind);
        Assert.Contains("trustAnchorSource", PropertiesOf(health));
    }

    [Fact]
    public async Task Forged_reader_principal_without_app_service_authentication_sees_only_the_status()
    {
        var settings = AppService.Settings(azurite, "Authorizer");
        settings.Remove("WEBSITE_AUTH_ENABLED");
        await using var app = await FunctionsAppHost.StartAsync(settings);

        var health = await HealthyAsync(app, AppService.Principal(Caller.AdminRole));

        Assert.Equal(["status"], PropertiesOf(health));
    }

    [Fact]
    public async Task Principal_without_a_tppgate_role_sees_only_the_status()
    {
        await using var app = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Admin"));

        var health = await HealthyAsync(app, AppService.Principal("Some.Other.Role"));

        Assert.Equal(["status"], PropertiesOf(health));
    }
}

using TppGate.Testing.Waiting;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Pki;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests;

/// <summary>One package, two apps: each answers only its own functions; the other surface's are 404 NOT_FOUND problem+json.</summary>
public sealed class SurfaceTests(AzuriteInstance azurite)
{
    public static TheoryData<string, string> AdminRoutes => new()
    {
        { "POST", "/api/bindings" },
        { "GET", "/api/bindings?expiringWithinDays=30" },
        { "GET", "/api/bindings/some-client" },
        { "GET", "/api/bindings/some-client/audit" },
        { "GET", $"/api/certificates/{new string('a', 64)}" },
        { "POST", $"/api/bindings/some-client/{new string('a', 64)}/revoke" },
    };

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Admin_function_invoked_on_the_authorizer_app_is_404_not_found_even_for_an_admin(string method, string target)
    {
        await using var authorizer = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Authorizer"));

        var answer = await authorizer.SendAsync(method, target, [AppService.Principal(Caller.AdminRole)], method == "POST" ? "{}" : null);

        Assert.NotNull(answer.FunctionName);
        Assert.Equal((404, "NOT_FOUND"), (answer.Status, answer.Code));
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Authorize_invoked_on_the_admin_app_is_404_not_found(string method)
    {
        await using var admin = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Admin"));

        var answer = await admin.SendAsync(method, "/api/authorize",
            [AppService.ClientCertificate(CertificateCatalogue.Shared.QwacAi), new("X-Client-Id", "c"), new("X-Tpp-Api", "accounts")]);

        Assert.Equal(("Authorize", 404, "NOT_FOUND"), (answer.FunctionName, answer.Status, answer.Code));
    }

    [Theory]
    [InlineData("Authorizer")]
    [InlineData("admin")]
    public async Task Health_answers_on_both_surfaces(string surface)
    {
        await using var app = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, surface));

        FunctionResponse? health = null;
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(5), async () => (health = await app.SendAsync("GET", "/api/health")).Status == 200), health?.Text);
    }
}

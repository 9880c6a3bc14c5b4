using System.Text.Json;
using TppGate.Core.Eidas;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Pki;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests.Functions;

/// <summary>
/// Issue 8 item 1: the composed app believes <c>X-MS-CLIENT-PRINCIPAL</c> only when App Service Authentication
/// wrote it (<c>WEBSITE_AUTH_ENABLED=True</c>) for the admin application (<c>aud</c> = <c>Admin:Audience</c>).
/// </summary>
public sealed class AdminAuthenticationTests(AzuriteInstance azurite)
{
    private const string ApimObjectId = "0b5e7a3c-0000-4000-8000-00000000a91d";

    private static string RegisterBody(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
        => JsonSerializer.Serialize(new { clientId = "fn-" + Guid.NewGuid().ToString("N")[..10], certificate = PkiExport.CertificatePem(certificate) });

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 NewQwac()
        => CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation));

    [Theory]
    [InlineData(null, AppService.AdminAudience)]
    [InlineData("False", AppService.AdminAudience)]
    [InlineData("True", null)]
    [InlineData("True", " ")]
    public async Task Forged_admin_principal_is_refused_with_503_when_app_service_authentication_is_not_configured(string? websiteAuthEnabled, string? audience)
    {
        var settings = AppService.Settings(azurite);
        settings["WEBSITE_AUTH_ENABLED"] = websiteAuthEnabled;
        settings["Admin:Audience"] = audience;
        await using var app = await FunctionsAppHost.StartAsync(settings);
        var forged = AppService.Principal(Caller.AdminRole);

        var register = await app.SendAsync("POST", "/api/bindings", [forged], RegisterBody(NewQwac()));
        var list = await app.SendAsync("GET", "/api/bindings/anyone", [forged]);
        var expiring = await app.SendAsync("GET", "/api/bindings?expiringWithinDays=30", [forged]);

        Assert.Equal((503, "ADMIN_AUTH_NOT_CONFIGURED"), (register.Status, register.Code));
        Assert.Equal((503, "ADMIN_AUTH_NOT_CONFIGURED"), (list.Status, list.Code));
        Assert.Equal((503, "ADMIN_AUTH_NOT_CONFIGURED"), (expiring.Status, expiring.Code));
    }

    [Theory]
    [InlineData("api://someone-elses-app")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Principal_for_another_audience_or_none_is_401_even_behind_app_service_authentication(string? audience)
    {
        await using var app = await FunctionsAppHost.StartAsync(AppService.Settings(azurite));

        var register = await app.SendAsync("POST", "/api/bindings", [AppService.Principal(Caller.AdminRole, audience)], RegisterBody(NewQwac()));
        var read = await app.SendAsync("GET", "/api/bindings/anyone", [AppService.Principal(Caller.ReaderRole, audience)]);

        Assert.Equal((401, "UNAUTHENTICATED"), (register.Status, register.Code));
        Assert.Equal((401, "UNAUTHENTICATED"), (read.Status, read.Code));
    }

    [Fact]
    public async Task Principal_for_the_admin_audience_behind_app_service_authentication_registers()
    {
        await using var app = await FunctionsAppHost.StartAsync(AppService.Settings(azurite));

        var register = await app.SendAsync("POST", "/api/bindings", [AppService.Principal(Caller.AdminRole)], RegisterBody(NewQwac()));
        var anonymous = await app.SendAsync("POST", "/api/bindings", [], RegisterBody(NewQwac()));

        Assert.Equal(201, register.Status);
        Assert.Equal((401, "UNAUTHENTICATED"), (anonymous.Status, anonymous.Code));
    }

    [Fact]
    public async Task The_audit_trail_tells_two_admins_with_one_display_name_apart_by_their_entra_object_id()
    {
        // A display name is neither unique nor stable (it can be changed, a UPN can be reassigned); the object id is.
        const string First = "1a2b3c4d-0000-4000-8000-0000000000a1";
        const string Second = "1a2b3c4d-0000-4000-8000-0000000000b2";
        await using var app = await FunctionsAppHost.StartAsync(AppService.Settings(azurite));
        var clientId = "fn-" + Guid.NewGuid().ToString("N")[..10];
        using var qwac = NewQwac();
        var body = JsonSerializer.Serialize(new { clientId, certificate = PkiExport.CertificatePem(qwac) });
        var x5t = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(qwac.RawData)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var register = await app.SendAsync("POST", "/api/bindings", [AppService.Principal(Caller.AdminRole, objectId: First)], body);
        var revoke = await app.SendAsync("POST", $"/api/bindings/{clientId}/{x5t}/revoke", [AppService.Principal(Caller.AdminRole, objectId: Second)], JsonSerializer.Serialize(new { reason = "test" }));
        var audit = await app.SendAsync("GET", $"/api/bindings/{clientId}/audit", [AppService.Principal(Caller.ReaderRole)]);

        Assert.Equal(201, register.Status);
        Assert.True(revoke.Status is 200, revoke.Text);
        Assert.Equal(
            [$"ops@bank.example ({First})", $"ops@bank.example ({Second})"],
            audit.Json!.Value.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("actor").GetString()));
    }

    [Theory]
    [InlineData(null, AppService.AdminAudience)]
    [InlineData("True", "api://someone-elses-app")]
    [InlineData("True", null)]
    public async Task Forged_principal_of_a_principal_id_trusted_forwarder_is_forwarder_untrusted_unless_the_platform_authenticated_it(string? websiteAuthEnabled, string? principalAudience)
    {
        using var tpp = NewQwac();
        var settings = AppService.Settings(azurite, "Authorizer");
        settings["WEBSITE_AUTH_ENABLED"] = websiteAuthEnabled;
        settings["Authorizer:Request:TrustedForwarders:0:Name"] = "apim-identity";
        settings["Authorizer:Request:TrustedForwarders:0:PrincipalId"] = ApimObjectId;
        await using var authorizer = await FunctionsAppHost.StartAsync(settings);

        var answer = await authorizer.SendAsync("POST", "/api/authorize",
        [
            AppService.Principal(null, principalAudience, ApimObjectId),
            new("Client-Cert", $":{Convert.ToBase64String(tpp.RawData)}:"),
            new("X-Client-Id", "anyone"),
            new("X-Tpp-Api", "accounts"),
        ]);

        Assert.Equal((401, "FORWARDER_UNTRUSTED"), (answer.Status, answer.Code));
    }

    [Fact]
    public async Task Principal_id_trusted_forwarder_authenticated_by_the_platform_for_the_configured_audience_is_trusted()
    {
        using var tpp = NewQwac();
        var settings = AppService.Settings(azurite, "Authorizer");
        settings["Authorizer:Request:TrustedForwarders:0:Name"] = "apim-identity";
        settings["Authorizer:Request:TrustedForwarders:0:PrincipalId"] = ApimObjectId;
        await using var authorizer = await FunctionsAppHost.StartAsync(settings);

        var answer = await authorizer.SendAsync("POST", "/api/authorize",
        [
            AppService.Principal(null, AppService.AdminAudience, ApimObjectId),
            new("Client-Cert", $":{Convert.ToBase64String(tpp.RawData)}:"),
            new("X-Client-Id", "nobody-bound-this"),
            new("X-Tpp-Api", "accounts"),
        ]);

        // Past the forwarder check: the TPP's certificate is judged, and it is bound to nobody.
        Assert.Equal((403, "CERTIFICATE_NOT_BOUND"), (answer.Status, answer.Code));
    }
}

using TppGate.Testing.Waiting;
using System.Text.Json;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Pki;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests.Functions;

/// <summary>
/// Every HTTP function of the deployed pair, driven through the worker's metadata routing with real HttpContexts:
/// the admin app registers, lists, gets, audits, reports expiring and revokes; the authorizer app, on the same
/// table, allows and denies; both answer health.
/// </summary>
public sealed class HttpFunctionsTests(AzuriteInstance azurite)
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Register_list_get_expiring_authorize_allow_and_deny_revoke_audit_and_health_answer_through_the_composed_functions()
    {
        var settings = AppService.Settings(azurite, "Admin");
        await using var admin = await FunctionsAppHost.StartAsync(settings);
        var authorizerSettings = new Dictionary<string, string?>(settings) { ["TppGate:Surface"] = "Authorizer" };
        authorizerSettings.Remove("WEBSITE_AUTH_ENABLED");
        await using var authorizer = await FunctionsAppHost.StartAsync(authorizerSettings);

        var catalogue = CertificateCatalogue.Shared;
        var now = DateTimeOffset.UtcNow;
        using var tpp = catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with
        {
            NotBefore = now.AddDays(-1),
            NotAfter = now.AddDays(20),
        });
        var clientId = "fn-" + Guid.NewGuid().ToString("N")[..10];
        var sha256 = PkiExport.Sha256Hex(tpp);
        var x5t = CertificateThumbprints.Of(tpp).X5tS256;
        var writer = AppService.Principal(Caller.AdminRole);
        var reader = AppService.Principal(Caller.ReaderRole);

        var register = await admin.SendAsync("POST", "/api/bindings", [writer], JsonSerializer.Serialize(new { clientId, certificate = PkiExport.CertificatePem(tpp), note = "functions test" }));
        var list = await admin.SendAsync("GET", $"/api/bindings/{clientId}", [reader]);
        var get = await admin.SendAsync("GET", $"/api/certificates/{sha256}", [reader]);
        var expiring = await admin.SendAsync("GET", "/api/bindings?expiringWithinDays=30", [reader]);

        Assert.Equal(("RegisterBinding", 201), (register.FunctionName, register.Status));
        Assert.Equal(x5t, register.Json!.Value.GetProperty("thumbprint").GetString());
        Assert.Equal(("ListBindings", 200), (list.FunctionName, list.Status));
        Assert.Contains(list.Json!.Value.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("sha256").GetString() == sha256);
        Assert.Equal(("GetCertificateBinding", 200, clientId), (get.FunctionName, get.Status, get.Json!.Value.GetProperty("clientId").GetString()));
        Assert.Equal(("ExpiringBindings", 200), (expiring.FunctionName, expiring.Status));
        Assert.Contains(expiring.Json!.Value.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("sha256").GetString() == sha256);

        KeyValuePair<string, string>[] asTpp(string client) => [AppService.ClientCertificate(tpp), new("X-Client-Id", client), new("X-Tpp-Api", "accounts")];
        FunctionResponse? allow = null;
        Assert.True(await Eventually.WithinAsync(PropagationBound, async () => (allow = await authorizer.SendAsync("POST", "/api/authorize", asTpp(clientId))).Status == 200), allow?.Text);
        var notBound = await authorizer.SendAsync("POST", "/api/authorize", asTpp(clientId + "-other"));

        Assert.Equal("Authorize", allow!.FunctionName);
        Assert.Equal(clientId, allow.Headers["X-Tpp-Client-Id"]);
        Assert.Equal("allow", allow.Json!.Value.GetProperty("decision").GetString());
        Assert.Equal((403, "CERTIFICATE_NOT_BOUND"), (notBound.Status, notBound.Code));
        Assert.StartsWith("application/problem+json", notBound.ContentType, StringComparison.Ordinal);

        var revoke = await admin.SendAsync("POST", $"/api/bindings/{clientId}/{x5t}/revoke", [writer], """{"reason":"functions test"}""");
        FunctionResponse? blocked = null;
        Assert.True(await Eventually.WithinAsync(PropagationBound, async () => (blocked = await authorizer.SendAsync("GET", "/api/authorize", asTpp(clientId))).Code == "CERTIFICATE_BLOCKED"), blocked?.Text);
        var audit = await admin.SendAsync("GET", $"/api/bindings/{clientId}/audit", [reader]);

        Assert.Equal(("RevokeBinding", 200, "revoked"), (revoke.FunctionName, revoke.Status, revoke.Json!.Value.GetProperty("status").GetString()));
        Assert.Equal(403, blocked!.Status);
        Assert.Equal(("AuditBindings", 200), (audit.FunctionName, audit.Status));
        Assert.Equal(["registered", "revoked"], audit.Json!.Value.GetProperty("records").EnumerateArray().Select(e => e.GetProperty("action").GetString()).Order(StringComparer.Ordinal));

        var adminHealth = await admin.SendAsync("GET", "/api/health");
        var authorizerHealth = await authorizer.SendAsync("GET", "/api/health");
        Assert.Equal(("Health", 200, "healthy"), (adminHealth.FunctionName, adminHealth.Status, adminHealth.Json!.Value.GetProperty("status").GetString()));
        Assert.Equal((200, "healthy"), (authorizerHealth.Status, authorizerHealth.Json!.Value.GetProperty("status").GetString()));
    }
}

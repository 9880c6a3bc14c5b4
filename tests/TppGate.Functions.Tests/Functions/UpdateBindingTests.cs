using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Http.Telemetry;
using TppGate.Pki;
using TppGate.Testing.Azurite;
using TppGate.Testing.Waiting;

namespace TppGate.Functions.Tests.Functions;

/// <summary>
/// <c>PATCH /api/bindings/{clientId}/{thumbprint}</c> (UpdateBinding, decision 0014) through the composed admin app,
/// with the authorizer app on the same table enforcing the changed window.
/// </summary>
public sealed class UpdateBindingTests(AzuriteInstance azurite)
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_closed_window_is_enforced_by_the_authorizer_app_and_clearing_it_with_null_reopens_it()
    {
        var settings = AppService.Settings(azurite, "Admin");
        await using var admin = await FunctionsAppHost.StartAsync(settings);
        var authorizerSettings = new Dictionary<string, string?>(settings) { ["TppGate:Surface"] = "Authorizer" };
        authorizerSettings.Remove("WEBSITE_AUTH_ENABLED");
        await using var authorizer = await FunctionsAppHost.StartAsync(authorizerSettings);
        var meter = admin.Services.GetRequiredService<TppGateMetrics>().Meter;
        using var metrics = new MetricCapture(meter);
        using var tpp = NewQwac();
        var (clientId, x5t) = await RegisterAsync(admin, tpp);

        KeyValuePair<string, string>[] asTpp = [AppService.ClientCertificate(tpp), new("X-Client-Id", clientId), new("X-Tpp-Api", "accounts")];
        FunctionResponse? answer = null;
        Assert.True(await Eventually.WithinAsync(PropagationBound, async () => (answer = await authorizer.SendAsync("POST", "/api/authorize", asTpp)).Status == 200), answer?.Text);

        var ended = DateTimeOffset.UtcNow.AddMinutes(-1);
        var close = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", [Writer], JsonSerializer.Serialize(new { activeUntil = ended, note = "paused" }));
        Assert.Equal(("UpdateBinding", 200), (close.FunctionName, close.Status));
        Assert.Equal(ended.ToUnixTimeMilliseconds(), close.Json!.Value.GetProperty("activeUntil").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal("paused", close.Json.Value.GetProperty("note").GetString());
        Assert.True(await Eventually.WithinAsync(PropagationBound, async () => (answer = await authorizer.SendAsync("POST", "/api/authorize", asTpp)).Code == "CERTIFICATE_NOT_BOUND"), answer?.Text);

        // null clears the end; the note, absent from this body, is kept.
        var reopen = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", [Writer], """{"activeUntil":null}""");
        Assert.Equal(200, reopen.Status);
        Assert.Equal(JsonValueKind.Null, reopen.Json!.Value.GetProperty("activeUntil").ValueKind);
        Assert.Equal("paused", reopen.Json.Value.GetProperty("note").GetString());
        Assert.True(await Eventually.WithinAsync(PropagationBound, async () => (answer = await authorizer.SendAsync("POST", "/api/authorize", asTpp)).Status == 200), answer?.Text);

        // The same request again changes nothing and still answers 200 with the binding.
        var again = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", [Writer], """{"activeUntil":null}""");
        Assert.Equal(200, again.Status);

        var audit = await admin.SendAsync("GET", $"/api/bindings/{clientId}/audit", [AppService.Principal(Caller.ReaderRole)]);
        var updates = audit.Json!.Value.GetProperty("records").EnumerateArray().Where(r => r.GetProperty("action").GetString() == "updated").ToList();
        Assert.Equal(2, updates.Count);
        Assert.Equal(JsonValueKind.Null, updates[0].GetProperty("before").GetProperty("activeUntil").ValueKind);
        Assert.Equal("paused", updates[0].GetProperty("after").GetProperty("note").GetString());
        Assert.Equal([("register", "Created"), ("update", "Updated"), ("update", "Updated"), ("update", "Unchanged")], metrics.AdminWrites());

        // The authorizer app does not serve the admin surface.
        Assert.NotEqual(200, (await authorizer.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", [Writer], """{"note":"x"}""")).Status);
    }

    [Theory]
    [InlineData("""{"note":"a","note":"b"}""", "BODY_INVALID")]
    [InlineData("""{"Note":"a"}""", "BODY_INVALID")]
    [InlineData("""{"note":"a","NOTE":"b"}""", "BODY_INVALID")]
    [InlineData("""{"reason":"a"}""", "BODY_INVALID")]
    [InlineData("""{"activeFrom":12}""", "BODY_INVALID")]
    [InlineData("""{"activeUntil":"next tuesday"}""", "BODY_INVALID")]
    [InlineData("""{"note":["a"]}""", "BODY_INVALID")]
    [InlineData("""{}""", "BODY_INVALID")]
    [InlineData("""null""", "BODY_INVALID")]
    [InlineData("""{"activeFrom":"2030-01-02T00:00:00Z","activeUntil":"2030-01-01T00:00:00Z"}""", "ACTIVATION_WINDOW_INVALID")]
    [InlineData("""{"activeFrom":"2199-01-01T00:00:00Z"}""", "ACTIVATION_WINDOW_INVALID")]
    [InlineData("""{"activeUntil":"2001-01-01T00:00:00Z"}""", "ACTIVATION_WINDOW_INVALID")]
    public async Task A_body_that_is_not_a_strict_update_or_a_window_that_cannot_be_used_is_400_and_changes_nothing(string body, string code)
    {
        await using var admin = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Admin"));
        using var tpp = NewQwac();
        var (clientId, x5t) = await RegisterAsync(admin, tpp);

        var patch = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", [Writer], body);

        Assert.Equal((400, code), (patch.Status, patch.Code));
        Assert.StartsWith("application/problem+json", patch.ContentType, StringComparison.Ordinal);
        var stored = await admin.SendAsync("GET", $"/api/certificates/{x5t}", [Writer]);
        Assert.Equal("functions test", stored.Json!.Value.GetProperty("note").GetString());
        Assert.Equal(JsonValueKind.Null, stored.Json.Value.GetProperty("activeUntil").ValueKind);
    }

    [Fact]
    public async Task Refusals_have_their_codes_a_reader_forbidden_another_client_not_found_a_revoked_binding_409()
    {
        await using var admin = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Admin"));
        using var tpp = NewQwac();
        var (clientId, x5t) = await RegisterAsync(admin, tpp);
        var hex = PkiExport.Sha256Hex(tpp).ToUpperInvariant();
        var note = """{"note":"x"}""";

        var reader = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", [AppService.Principal(Caller.ReaderRole)], note);
        var anonymous = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", null, note);
        var badThumbprint = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/abc", [Writer], note);
        var otherClient = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}-other/{x5t}", [Writer], note);
        var tooLong = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", [Writer], JsonSerializer.Serialize(new { note = new string('n', 1025) }));
        var byHex = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{hex}", [Writer], note);
        await admin.SendAsync("POST", $"/api/bindings/{clientId}/{x5t}/revoke", [Writer], """{"reason":"compromised"}""");
        var revoked = await admin.SendAsync("PATCH", $"/api/bindings/{clientId}/{x5t}", [Writer], """{"note":"after"}""");

        Assert.Equal((403, "FORBIDDEN"), (reader.Status, reader.Code));
        Assert.Equal((401, "UNAUTHENTICATED"), (anonymous.Status, anonymous.Code));
        Assert.Equal((400, "THUMBPRINT_INVALID"), (badThumbprint.Status, badThumbprint.Code));
        Assert.Equal((404, "BINDING_NOT_FOUND"), (otherClient.Status, otherClient.Code));
        Assert.Equal((400, "NOTE_TOO_LONG"), (tooLong.Status, tooLong.Code));
        Assert.Equal((200, "x"), (byHex.Status, byHex.Json!.Value.GetProperty("note").GetString()));
        Assert.Equal((409, "BINDING_REVOKED"), (revoked.Status, revoked.Code));
        Assert.Equal("x", revoked.Json!.Value.GetProperty("binding").GetProperty("note").GetString());
    }

    private static KeyValuePair<string, string> Writer => AppService.Principal(Caller.AdminRole);

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 NewQwac()
    {
        var now = DateTimeOffset.UtcNow;
        return CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with
        {
            NotBefore = now.AddDays(-1),
            NotAfter = now.AddDays(20),
        });
    }

    private static async Task<(string ClientId, string X5t)> RegisterAsync(FunctionsAppHost admin, System.Security.Cryptography.X509Certificates.X509Certificate2 tpp)
    {
        var clientId = "upd-" + Guid.NewGuid().ToString("N")[..10];
        var register = await admin.SendAsync("POST", "/api/bindings", [Writer], JsonSerializer.Serialize(new { clientId, certificate = PkiExport.CertificatePem(tpp), note = "functions test" }));
        Assert.Equal(201, register.Status);
        return (clientId, CertificateThumbprints.Of(tpp).X5tS256);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Answers;

namespace TppGate.LocalHost.Tests.Admin;

/// <summary>The admin API as a bank's operator meets it: HTTPS on the admin port, the admin key as the role.</summary>
public sealed class AdminApiTests(LocalRunFixture local)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewClient() => "client-" + Guid.NewGuid().ToString("N")[..12];

    private X509Certificate2Factory Certificates => new(local.Catalogue);

    [Fact]
    public async Task Registration_returns_201_with_the_binding_and_the_same_registration_again_returns_200_unchanged()
    {
        var certificate = Certificates.Qwac();
        var client = NewClient();
        using var admin = local.Admin();

        using var first = await admin.PostAsJsonAsync("api/bindings", new { clientId = client, certificate = PkiExport.CertificatePem(certificate), note = "onboarding #42" }, Ct);
        var (firstStatus, _, created) = await ReadAsync(first);
        using var second = await admin.PostAsJsonAsync("api/bindings", new { clientId = client, certificate = PkiExport.Base64Der(certificate), note = "onboarding #42" }, Ct);
        var (secondStatus, _, again) = await ReadAsync(second);

        Assert.Equal(HttpStatusCode.Created, firstStatus);
        Assert.Equal(client, created.GetProperty("clientId").GetString());
        Assert.Equal(CertificateThumbprints.Of(certificate).X5tS256, created.GetProperty("thumbprint").GetString());
        Assert.Equal(PkiExport.Sha256Hex(certificate), created.GetProperty("sha256").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal("PSDGB-FCA-123456", created.GetProperty("organizationId").GetString());
        Assert.Equal(["PSP_AI"], created.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, secondStatus);
        Assert.Equal(created.GetProperty("createdAt").GetString(), again.GetProperty("createdAt").GetString());
        Assert.Equal("onboarding #42", again.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Registering_a_bound_certificate_again_with_other_settings_is_a_409_showing_the_binding_and_changes_nothing()
    {
        var certificate = Certificates.Qwac();
        var client = NewClient();
        using var admin = local.Admin();
        using var first = await admin.PostAsJsonAsync("api/bindings", new { clientId = client, certificate = PkiExport.CertificatePem(certificate), note = "onboarding #42" }, Ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var other = await admin.PostAsJsonAsync("api/bindings", new { clientId = client, certificate = PkiExport.Base64Der(certificate), activeUntil = DateTimeOffset.UtcNow.AddDays(30) }, Ct);
        var (status, _, problem) = await ReadAsync(other);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("BINDING_SETTINGS_DIFFER", problem.GetProperty("code").GetString());
        Assert.Equal("onboarding #42", problem.GetProperty("binding").GetProperty("note").GetString());
        Assert.Equal(JsonValueKind.Null, problem.GetProperty("binding").GetProperty("activeUntil").ValueKind);
    }

    [Fact]
    public async Task Certificate_bound_to_another_client_is_a_conflict_and_the_first_binding_stays()
    {
        var certificate = Certificates.Qwac();
        var owner = NewClient();
        await local.RegisterAsync(owner, certificate);
        using var admin = local.Admin();

        using var response = await admin.PostAsJsonAsync("api/bindings", new { clientId = NewClient(), certificate = PkiExport.CertificatePem(certificate) }, Ct);
        using var lookup = await admin.GetAsync($"api/certificates/{PkiExport.Sha256Hex(certificate)}", Ct);

        Assert.Equal((HttpStatusCode.Conflict, "CERTIFICATE_ALREADY_BOUND"), Pick(await ReadAsync(response)));
        Assert.Equal(owner, (await ReadAsync(lookup)).Body.GetProperty("clientId").GetString());
    }

    [Fact]
    public async Task Revoked_certificate_cannot_be_registered_again_for_anyone()
    {
        var certificate = Certificates.Qwac();
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        using var admin = local.Admin();
        using var revoke = await admin.PostAsync($"api/bindings/{client}/{PkiExport.Sha256Hex(certificate)}/revoke", Json("""{"reason":"left the scheme"}"""), Ct);
        Assert.Equal("revoked", (await ReadAsync(revoke)).Body.GetProperty("status").GetString());

        using var same = await admin.PostAsJsonAsync("api/bindings", new { clientId = client, certificate = PkiExport.CertificatePem(certificate) }, Ct);
        using var other = await admin.PostAsJsonAsync("api/bindings", new { clientId = NewClient(), certificate = PkiExport.CertificatePem(certificate) }, Ct);

        Assert.Equal((HttpStatusCode.Conflict, "CERTIFICATE_BLOCKED"), Pick(await ReadAsync(same)));
        Assert.Equal((HttpStatusCode.Conflict, "CERTIFICATE_BLOCKED"), Pick(await ReadAsync(other)));
    }

    [Theory]
    [InlineData(CatalogueCertificate.Expired, "CERTIFICATE_EXPIRED")]
    [InlineData(CatalogueCertificate.FromUntrustedRoot, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.ServerAuthOnly, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.NoPsd2Statement, "CERTIFICATE_INVALID")]
    [InlineData(CatalogueCertificate.QSealC, "CERTIFICATE_INVALID")]
    public async Task Certificate_that_fails_validation_is_refused_and_nothing_is_stored(CatalogueCertificate name, string code)
    {
        var certificate = local.Catalogue[name];
        using var admin = local.Admin();

        using var response = await admin.PostAsJsonAsync("api/bindings", new { clientId = NewClient(), certificate = PkiExport.CertificatePem(certificate) }, Ct);
        using var lookup = await admin.GetAsync($"api/certificates/{PkiExport.Sha256Hex(certificate)}", Ct);

        Assert.Equal((HttpStatusCode.BadRequest, code), Pick(await ReadAsync(response)));
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Theory]
    [InlineData("""{"clientId":"x","certificate":"AAAA","extra":true}""", "BODY_INVALID")]
    [InlineData("""{"clientId":"x","certificate":""", "BODY_INVALID")]
    [InlineData("""[1,2,3]""", "BODY_INVALID")]
    [InlineData("""{"clientId":"x","certificate":"not a certificate"}""", "CERTIFICATE_INVALID")]
    [InlineData("""{"certificate":"AAAA"}""", "CLIENT_ID_MISSING")]
    [InlineData("""{"clientId":"bad\u0001id","certificate":"AAAA"}""", "CLIENT_ID_INVALID")]
    public async Task Bad_bodies_are_400_with_a_stable_code(string body, string code)
    {
        using var admin = local.Admin();
        using var response = await admin.PostAsync("api/bindings", Json(body), Ct);
        Assert.Equal((HttpStatusCode.BadRequest, code), Pick(await ReadAsync(response)));
    }

    [Fact]
    public async Task Oversized_body_is_refused_and_nothing_is_stored()
    {
        var certificate = Certificates.Qwac();
        var client = NewClient();
        using var admin = local.Admin();
        var padded = JsonSerializer.Serialize(new { clientId = client, certificate = PkiExport.CertificatePem(certificate), note = new string('x', 70_000) });

        using var response = await admin.PostAsync("api/bindings", Json(padded), Ct);
        using var list = await admin.GetAsync($"api/bindings/{client}", Ct);

        Assert.Equal((HttpStatusCode.BadRequest, "BODY_TOO_LARGE"), Pick(await ReadAsync(response)));
        Assert.Equal(0, (await ReadAsync(list)).Body.GetProperty("bindings").GetArrayLength());
    }

    [Fact]
    public async Task Without_the_admin_key_nothing_is_readable_or_writable()
    {
        using var anonymous = local.Admin(adminKey: null);
        using var wrongKey = local.Admin(adminKey: "not-the-key");

        using var list = await anonymous.GetAsync("api/bindings/someone", Ct);
        using var register = await wrongKey.PostAsJsonAsync("api/bindings", new { clientId = "x", certificate = PkiExport.CertificatePem(Certificates.Qwac()) }, Ct);

        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), Pick(await ReadAsync(list)));
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), Pick(await ReadAsync(register)));
    }

    [Fact]
    public async Task Admin_routes_are_not_served_on_the_authorizer_port()
    {
        using var onAuthorizerPort = local.Authorizer(local.Catalogue.QwacAi);
        onAuthorizerPort.DefaultRequestHeaders.Add("X-Admin-Key", local.Run.AdminKey);
        using var response = await onAuthorizerPort.GetAsync("api/bindings/someone", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Binding_is_found_by_thumbprint_in_hex_of_either_case_and_in_base64url()
    {
        var certificate = Certificates.Qwac();
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        using var admin = local.Admin();
        var sha256 = PkiExport.Sha256Hex(certificate);

        foreach (var form in new[] { sha256, sha256.ToUpperInvariant(), CertificateThumbprints.Of(certificate).X5tS256 })
        {
            using var response = await admin.GetAsync($"api/certificates/{form}", Ct);
            var (status, _, body) = await ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(client, body.GetProperty("clientId").GetString());
        }

        using var malformed = await admin.GetAsync("api/certificates/not-a-thumbprint", Ct);
        Assert.Equal((HttpStatusCode.BadRequest, "THUMBPRINT_INVALID"), Pick(await ReadAsync(malformed)));
    }

    [Fact]
    public async Task Audit_trail_records_registration_and_revocation_with_actor_and_reason()
    {
        var certificate = Certificates.Qwac();
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        using var admin = local.Admin();
        await admin.PostAsync($"api/bindings/{client}/{PkiExport.Sha256Hex(certificate)}/revoke", Json("""{"reason":"key compromise"}"""), Ct);

        using var response = await admin.GetAsync($"api/bindings/{client}/audit", Ct);
        var records = (await ReadAsync(response)).Body.GetProperty("records").EnumerateArray().ToArray();

        Assert.Equal(["registered", "revoked"], records.Select(r => r.GetProperty("action").GetString()));
        Assert.All(records, r => Assert.Equal("local-admin", r.GetProperty("actor").GetString()));
        Assert.Equal("key compromise", records[1].GetProperty("reason").GetString());
        Assert.Equal("active", records[1].GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("revoked", records[1].GetProperty("after").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Client_ids_with_path_and_query_characters_round_trip()
    {
        var certificate = Certificates.Qwac();
        var client = "tpp/with\\odd#chars?and' or 1 eq 1";
        await local.RegisterAsync(client, certificate);
        using var admin = local.Admin();

        using var list = await admin.GetAsync($"api/bindings/{Uri.EscapeDataString(client)}", Ct);
        var bindings = (await ReadAsync(list)).Body.GetProperty("bindings").EnumerateArray().ToArray();
        using var http = local.Authorizer(certificate);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/authorize?client_id={Uri.EscapeDataString(client)}") { Headers = { { "X-Tpp-Api", "accounts" } } };
        using var allowed = await http.SendAsync(request, Ct);

        Assert.Equal(client, Assert.Single(bindings).GetProperty("clientId").GetString());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(client, allowed.Headers.GetValues("X-Tpp-Client-Id").Single());
    }

    [Fact]
    public async Task Expiring_lists_active_bindings_whose_certificate_ends_within_the_window()
    {
        var soon = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac("soon.tpp.example", Psd2Role.AccountInformation) with
        {
            NotBefore = DateTimeOffset.UtcNow.AddDays(-1),
            NotAfter = DateTimeOffset.UtcNow.AddDays(10),
        });
        var client = NewClient();
        await local.RegisterAsync(client, soon);
        using var admin = local.Admin();

        using var within = await admin.GetAsync("api/bindings?expiringWithinDays=30", Ct);
        using var before = await admin.GetAsync("api/bindings?expiringWithinDays=5", Ct);
        using var bad = await admin.GetAsync("api/bindings?expiringWithinDays=-1", Ct);

        Assert.Contains((await ReadAsync(within)).Body.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("clientId").GetString() == client);
        Assert.DoesNotContain((await ReadAsync(before)).Body.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("clientId").GetString() == client);
        Assert.Equal((HttpStatusCode.BadRequest, "QUERY_INVALID"), Pick(await ReadAsync(bad)));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static (HttpStatusCode, string?) Pick((HttpStatusCode Status, string? Code, JsonElement Body) answer) => (answer.Status, answer.Code);

    /// <summary>Fresh QWACs from the catalogue's issuing CA: each test binds certificates nobody else uses.</summary>
    private readonly struct X509Certificate2Factory(CertificateCatalogue catalogue)
    {
        public System.Security.Cryptography.X509Certificates.X509Certificate2 Qwac()
            => catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation));
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TppGate.Core.Eidas;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>Bad input to the admin API: refused with the exact code, and nothing is stored.</summary>
public sealed class AdminInputTests(LocalRunFixture local)
{
    private System.Security.Cryptography.X509Certificates.X509Certificate2 Fresh()
        => local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"admin-input-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation));

    private static string Body(string client, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
        => JsonSerializer.Serialize(new { clientId = client, certificate = PkiExport.CertificatePem(certificate) });

    private async Task<(HttpStatusCode Status, string? Code)> PostAsync(HttpContent content, string? key = "")
    {
        using var admin = local.Admin(key);
        using var response = await admin.PostAsync("api/bindings", content, Ct);
        var (status, code, _) = await Answers.ReadAsync(response);
        return (status, code);
    }

    [Fact]
    public async Task Body_that_is_not_json_is_body_invalid()
    {
        var certificate = Fresh();
        var body = Body(NewClient(), certificate);
        Assert.Equal((HttpStatusCode.BadRequest, "BODY_INVALID"), await PostAsync(new StringContent(body[..^1], Encoding.UTF8, "application/json")));
        Assert.Equal((HttpStatusCode.BadRequest, "BODY_INVALID"), await PostAsync(new StringContent("[" + body + "]", Encoding.UTF8, "application/json")));
        Assert.Equal((HttpStatusCode.BadRequest, "BODY_INVALID"), await PostAsync(new StringContent("null", Encoding.UTF8, "application/json")));
        await AssertNotStoredAsync(local, certificate);
    }

    [Fact]
    public async Task Body_with_an_unknown_field_is_body_invalid()
    {
        var certificate = Fresh();
        var json = JsonSerializer.Serialize(new { clientId = NewClient(), certificate = PkiExport.CertificatePem(certificate), status = "active" });

        Assert.Equal((HttpStatusCode.BadRequest, "BODY_INVALID"), await PostAsync(new StringContent(json, Encoding.UTF8, "application/json")));
        await AssertNotStoredAsync(local, certificate);
    }

    [Fact]
    public async Task Body_over_64_kb_is_body_too_large_with_and_without_content_length()
    {
        var certificate = Fresh();
        var json = JsonSerializer.Serialize(new { clientId = NewClient(), certificate = PkiExport.CertificatePem(certificate), note = new string('n', 70 * 1024) });

        Assert.Equal((HttpStatusCode.BadRequest, "BODY_TOO_LARGE"), await PostAsync(new StringContent(json, Encoding.UTF8, "application/json")));
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        chunked.Headers.ContentType = new("application/json");
        using (var admin = local.Admin())
        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/bindings") { Content = chunked })
        {
            request.Headers.TransferEncodingChunked = true;
            using var response = await admin.SendAsync(request, Ct);
            Assert.Equal((HttpStatusCode.BadRequest, "BODY_TOO_LARGE"), Pick(await Answers.ReadAsync(response)));
        }

        await AssertNotStoredAsync(local, certificate);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Body_with_the_wrong_content_type_is_body_invalid(string contentType)
    {
        var certificate = Fresh();

        Assert.Equal((HttpStatusCode.BadRequest, "BODY_INVALID"), await PostAsync(new StringContent(Body(NewClient(), certificate), Encoding.UTF8, contentType)));
        await AssertNotStoredAsync(local, certificate);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData(" ")]
    public async Task Missing_or_wrong_admin_key_is_unauthenticated(string? key)
    {
        var certificate = Fresh();

        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), await PostAsync(new StringContent(Body(NewClient(), certificate), Encoding.UTF8, "application/json"), key));
        await AssertNotStoredAsync(local, certificate);
    }

    [Fact]
    public async Task Admin_key_presented_on_the_authorizer_port_grants_nothing()
    {
        using var http = local.Authorizer(local.Catalogue.QwacAi);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/bindings") { Content = new StringContent(Body(NewClient(), Fresh()), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Admin-Key", local.Run.AdminKey);
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public static TheoryData<string> AmbiguousBodies => ["duplicate-client-id", "duplicate-certificate", "pascal-case", "upper-case", "case-variant-beside-the-property"];

    [Theory]
    [MemberData(nameof(AmbiguousBodies))]
    public async Task Body_with_a_duplicate_key_or_a_case_variant_of_a_property_is_body_invalid(string kind)
    {
        var certificate = Fresh();
        var client = NewClient();
        var pem = JsonSerializer.Serialize(PkiExport.CertificatePem(certificate));
        var json = kind switch
        {
            // The first value a lenient reader keeps could differ from the last one another reader keeps.
            "duplicate-client-id" => $$"""{"clientId":"{{NewClient()}}","certificate":{{pem}},"clientId":"{{client}}"}""",
            "duplicate-certificate" => $$"""{"clientId":"{{client}}","certificate":{{pem}},"certificate":{{pem}}}""",
            "pascal-case" => $$"""{"ClientId":"{{client}}","Certificate":{{pem}}}""",
            "upper-case" => $$"""{"CLIENTID":"{{client}}","certificate":{{pem}}}""",
            "case-variant-beside-the-property" => $$"""{"clientId":"{{client}}","clientID":"{{NewClient()}}","certificate":{{pem}}}""",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        Assert.Equal((HttpStatusCode.BadRequest, "BODY_INVALID"), await PostAsync(new StringContent(json, Encoding.UTF8, "application/json")));
        await AssertNotStoredAsync(local, certificate);
    }

    [Theory]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData(" nbsp")]
    [InlineData("tab	")]
    public async Task Client_id_with_leading_or_trailing_whitespace_is_client_id_invalid_at_registration(string clientId)
    {
        var certificate = Fresh();

        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_INVALID"), await PostAsync(new StringContent(Body(clientId, certificate), Encoding.UTF8, "application/json")));
        await AssertNotStoredAsync(local, certificate);
    }

    [Fact]
    public async Task Binding_stored_with_a_padded_client_id_before_the_rule_can_still_be_listed_and_revoked()
    {
        var certificate = Fresh();
        var client = NewClient() + " ";
        var store = local.Run.App.Services.GetRequiredService<Core.Bindings.IBindingStore>();
        await store.RegisterAsync(Core.Bindings.CertificateBinding.For(certificate, client, "before-the-rule", DateTimeOffset.UtcNow), Ct);
        var path = "api/bindings/" + Uri.EscapeDataString(client);
        var x5t = Core.Certificates.CertificateThumbprints.Of(certificate).X5tS256;

        using var admin = local.Admin();
        using var list = await admin.GetAsync(path, Ct);
        using var revoke = await admin.PostAsync($"{path}/{x5t}/revoke", new StringContent("""{"reason":"cleanup"}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
    }

    private static (HttpStatusCode, string?) Pick((HttpStatusCode Status, string? Code, JsonElement Body) answer) => (answer.Status, answer.Code);
}

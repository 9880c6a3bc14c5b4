using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using TppGate.Core.Authorization;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// What the request names besides the certificate: the API (X-Tpp-Api), the client_id from header, query,
/// form body and token, each once; malformed shapes are 400 with a code naming what is wrong, and no request
/// value reaches a log line unescaped.
/// </summary>
public sealed class RequestShapeTests(LocalRunFixture local) : IAsyncLifetime
{
    private X509Certificate2 _certificate = null!;
    private string _client = null!;

    public async ValueTask InitializeAsync()
    {
        _certificate = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"shape-{Guid.NewGuid():N}.tpp.example", Core.Eidas.Psd2Role.AccountInformation));
        _client = NewClient();
        await local.RegisterAsync(_client, _certificate);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<(HttpStatusCode Status, string? Code)> SendRawAsync(string path, params (string Name, string Value)[] headers)
    {
        var (status, body) = await RawHttps.SendAsync(local.Run, _certificate, "POST", path, headers, Ct);
        var code = body.Length == 0 ? null : System.Text.Json.JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        return (status, code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Request_naming_no_api_is_api_missing(string? api)
    {
        var headers = new List<(string, string)> { ("X-Client-Id", _client) };
        if (api is not null)
        {
            headers.Add(("X-Tpp-Api", api));
        }

        Assert.Equal((HttpStatusCode.BadRequest, "API_MISSING"), await SendRawAsync("/api/authorize", [.. headers]));
    }

    [Fact]
    public async Task Role_checks_turned_off_explicitly_allow_a_request_naming_no_api()
    {
        await using var isolated = await IsolatedLocalRun.StartAsync(new Dictionary<string, string?> { ["Authorizer:CheckRoles"] = "false" });
        using (var admin = LocalRunFixture.AdminOf(isolated.Run))
        using (var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(admin, "api/bindings", new { clientId = _client, certificate = PkiExport.CertificatePem(_certificate) }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var (status, _) = await RawHttps.SendAsync(isolated.Run, _certificate, "POST", "/api/authorize", [("X-Client-Id", _client)], Ct);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Every_berlin_group_service_is_mapped_over_mutual_tls()
    {
        var pi = local.Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"shape-pi-{Guid.NewGuid():N}.tpp.example", Core.Eidas.Psd2Role.PaymentInitiation));
        var piClient = NewClient();
        await local.RegisterAsync(piClient, pi);
        foreach (var (api, roles) in BerlinGroupApiRoles.Map)
        {
            var ai = roles.Contains("PSP_AI") ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
            var pis = roles.Contains("PSP_PI") ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
            Assert.True(ai == (await PresentAsync(local, _certificate, _client, api)).Status, api);
            Assert.True(pis == (await PresentAsync(local, pi, piClient, api)).Status, api);
        }

        Assert.Equal((HttpStatusCode.Forbidden, "ROLE_INVALID"), await PresentAsync(local, _certificate, _client, "psd2"));
    }

    [Fact]
    public async Task Repeated_api_or_authorization_header_is_a_400_naming_that_header()
    {
        Assert.Equal((HttpStatusCode.BadRequest, "API_HEADER_REPEATED"), await SendRawAsync("/api/authorize", ("X-Client-Id", _client), ("X-Tpp-Api", "accounts"), ("X-Tpp-Api", "payments")));
        Assert.Equal((HttpStatusCode.BadRequest, "AUTHORIZATION_HEADER_REPEATED"), await SendRawAsync("/api/authorize", ("X-Client-Id", _client), ("X-Tpp-Api", "accounts"), ("Authorization", "Bearer a"), ("Authorization", "Bearer b")));
    }

    [Fact]
    public async Task Certificate_is_judged_before_the_client_id_length()
    {
        var untrusted = local.Catalogue[CatalogueCertificate.FromUntrustedRoot];
        Assert.Equal((HttpStatusCode.Unauthorized, "CERTIFICATE_INVALID"), await PresentAsync(local, untrusted, new string('c', 300), "accounts"));
    }

    private async Task<(HttpStatusCode Status, string? Code)> FormAsync(string body, string? headerClient, string query = "")
    {
        using var http = local.Authorizer(_certificate);
        var request = Ask(headerClient, "token");
        request.RequestUri = new Uri("api/authorize" + query, UriKind.Relative);
        request.Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        return await SendAsync(http, request);
    }

    [Fact]
    public async Task Client_id_in_a_form_body_is_read_and_must_agree_with_header_and_query()
    {
        var form = $"grant_type=client_credentials&client_id={Uri.EscapeDataString(_client)}&scope=accounts";

        Assert.Equal(HttpStatusCode.OK, (await FormAsync(form, null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await FormAsync(form, _client, "?client_id=" + Uri.EscapeDataString(_client))).Status);
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_MISMATCH"), await FormAsync(form, NewClient()));
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_MISMATCH"), await FormAsync($"grant_type=client_credentials&client_id={NewClient()}", _client));
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_MISMATCH"), await FormAsync(form, null, "?client_id=" + NewClient()));
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_MISMATCH"), await FormAsync(form + "&client_id=" + NewClient(), null));
    }

    [Fact]
    public async Task Form_body_over_16_kb_or_not_utf8_is_body_invalid()
    {
        Assert.Equal((HttpStatusCode.BadRequest, "BODY_INVALID"), await FormAsync($"client_id={_client}&pad={new string('a', 17 * 1024)}", _client));

        using var http = local.Authorizer(_certificate);
        var request = Ask(_client, "token");
        request.Content = new ByteArrayContent([.. Encoding.ASCII.GetBytes("client_id="), 0xFF, 0xFE]);
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        Assert.Equal((HttpStatusCode.BadRequest, "BODY_INVALID"), await SendAsync(http, request));
    }

    [Theory]
    [InlineData("query")]
    [InlineData("form")]
    public async Task Client_id_with_control_characters_is_client_id_invalid(string source)
    {
        var evil = Uri.EscapeDataString(_client + "\n2026-12-02 INFO Allowed client admin");
        var answer = source == "query"
            ? await FormAsync("", null, "?client_id=" + evil)
            : await FormAsync("client_id=" + evil, null);
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_INVALID"), answer);
    }

    [Fact]
    public async Task Client_id_header_with_a_tab_inside_is_client_id_invalid()
    {
        // HTTP lets a horizontal tab stand inside a field value, so it reaches the authorizer from a header.
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_INVALID"), await SendRawAsync("/api/authorize", ("X-Client-Id", _client + "\tx"), ("X-Tpp-Api", "accounts")));
    }

    [Fact]
    public async Task Client_id_with_a_line_feed_cannot_forge_a_log_line()
    {
        const string Forged = "FORGED-LINE Allowed client admin with certificate x";
        var marker = NewClient();
        using var http = local.Authorizer(_certificate);
        await SendAsync(http, Ask(null, "accounts").WithUri("api/authorize?client_id=" + Uri.EscapeDataString(marker + "\r\n" + Forged)));

        var lines = local.Logs.Messages.Where(m => m.Contains(marker, StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(lines);
        Assert.All(lines, m => Assert.DoesNotContain('\n', m));
        Assert.All(lines, m => Assert.DoesNotContain('\r', m));
        Assert.Contains(lines, m => m.Contains(marker + "\\u000D\\u000A" + Forged, StringComparison.Ordinal));
    }
}

internal static class RequestExtensions
{
    public static HttpRequestMessage WithUri(this HttpRequestMessage request, string uri)
    {
        request.RequestUri = new Uri(uri, UriKind.Relative);
        return request;
    }
}

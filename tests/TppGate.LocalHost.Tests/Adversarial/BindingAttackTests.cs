using TppGate.Testing.Waiting;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>Attacks on the binding itself: wrong client, renewed keys, odd client_ids, races, forged headers and tokens.</summary>
public sealed class BindingAttackTests(LocalRunFixture local)
{
    private CertificateCatalogue Catalogue => local.Catalogue;

    private System.Security.Cryptography.X509Certificates.X509Certificate2 Fresh(string name)
        => Catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"{name}-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation));

    [Fact]
    public async Task Certificate_bound_to_client_a_sent_with_client_b_is_not_bound_over_mutual_tls()
    {
        var certificate = Fresh("bound-a");
        var a = NewClient();
        await local.RegisterAsync(a, certificate);

        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await PresentAsync(local, certificate, NewClient()));
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await PresentAsync(local, certificate, a.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(local, certificate, a)).Status);
    }

    [Fact]
    public async Task Renewed_certificate_with_a_new_key_and_the_same_subject_is_not_bound_until_registered()
    {
        var old = Fresh("renewal");
        var client = NewClient();
        await local.RegisterAsync(client, old);
        // A renewal has a serial number of its own (RFC 5280 4.1.2.2); the test PKI would otherwise derive the same
        // one from the same subject and validity, which registration now refuses as the same certificate (0011).
        var renewed = Catalogue.IssuingCa.Issue(CertificateProfile.Qwac(old.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false), Psd2Role.AccountInformation) with
        {
            SerialNumber = new byte[] { 0x42, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 }.Concat(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToArray(),
        });
        Assert.Equal(old.Subject, renewed.Subject);

        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await PresentAsync(local, renewed, client));
        await AssertNotStoredAsync(local, renewed);
        await local.RegisterAsync(client, renewed);
        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(local, renewed, client)).Status);
    }

    [Fact]
    public async Task Thumbprint_lookup_accepts_hex_in_either_case_and_base64url_and_refuses_other_forms()
    {
        var certificate = Fresh("thumbprints");
        await local.RegisterAsync(NewClient(), certificate);
        var t = CertificateThumbprints.Of(certificate);
        var sha256 = Convert.FromHexString(t.Sha256Hex);

        Assert.Equal(HttpStatusCode.OK, (await LookupAsync(local, t.Sha256Hex)).Status);
        Assert.Equal(HttpStatusCode.OK, (await LookupAsync(local, t.Sha256Hex.ToUpperInvariant())).Status);
        Assert.Equal(HttpStatusCode.OK, (await LookupAsync(local, t.X5tS256)).Status);
        Assert.Equal(HttpStatusCode.OK, (await LookupAsync(local, string.Join(':', t.Sha256Hex.Chunk(2).Select(c => new string(c))))).Status);
        Assert.Equal((HttpStatusCode.BadRequest, "THUMBPRINT_INVALID"), await LookupAsync(local, Convert.ToBase64String(sha256)));
        Assert.Equal((HttpStatusCode.BadRequest, "THUMBPRINT_INVALID"), await LookupAsync(local, certificate.Thumbprint));
        Assert.Equal((HttpStatusCode.BadRequest, "THUMBPRINT_INVALID"), await LookupAsync(local, t.Sha256Hex[..63]));
        Assert.Equal((HttpStatusCode.BadRequest, "THUMBPRINT_INVALID"), await LookupAsync(local, "' or PartitionKey ne '"));
        Assert.Equal((HttpStatusCode.BadRequest, "THUMBPRINT_INVALID"), await LookupAsync(local, new string('!', 43)));
        Assert.Equal((HttpStatusCode.BadRequest, "THUMBPRINT_INVALID"), await LookupAsync(local, t.X5tS256[..42] + "*"));

        // Base64url is case-sensitive: upper-casing it names other bytes (or none), never this binding.
        var upper = t.X5tS256.ToUpperInvariant();
        Assert.NotEqual(HttpStatusCode.OK, (await LookupAsync(local, upper)).Status);
    }

    [Fact]
    public async Task Revocation_on_one_host_blocks_a_cached_allow_on_a_second_host_within_the_bound()
    {
        var second = await local.StartSecondHostAsync();
        var certificate = Fresh("revoke-second");
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(5), async () => (await PresentAsync(local, certificate, client, run: second)).Status == HttpStatusCode.OK));

        using var admin = local.Admin();
        var revokedAt = DateTime.UtcNow;
        using var revoke = await admin.PostAsync($"api/bindings/{client}/{CertificateThumbprints.Of(certificate).X5tS256}/revoke", Json("""{"reason":"key compromise"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(5), async () => await PresentAsync(local, certificate, client, run: second) == (HttpStatusCode.Forbidden, "CERTIFICATE_BLOCKED")));
        Assert.True(DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(6));
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_BLOCKED"), await PresentAsync(local, certificate, client));
    }

    [Fact]
    public async Task Revoke_racing_re_registration_ends_revoked_and_a_later_registration_is_blocked()
    {
        var certificate = Fresh("race");
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        var pem = PkiExport.CertificatePem(certificate);
        var x5t = CertificateThumbprints.Of(certificate).X5tS256;

        async Task<HttpStatusCode> RevokeAsync()
        {
            using var admin = local.Admin();
            using var r = await admin.PostAsync($"api/bindings/{client}/{x5t}/revoke", Json("""{"reason":"race"}"""), Ct);
            return r.StatusCode;
        }

        var racers = Enumerable.Range(0, 8).Select(i => i == 3 ? RevokeAsync() : RegisterRawAsync(local, client, pem).ContinueWith(t => t.Result.Status, TaskScheduler.Default)).ToArray();
        var results = await Task.WhenAll(racers);

        Assert.All(results, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        using var admin = local.Admin();
        var view = await admin.GetFromJsonAsync<JsonElement>($"api/certificates/{x5t}", Ct);
        Assert.Equal("revoked", view.GetProperty("status").GetString());
        Assert.Equal((HttpStatusCode.Conflict, "CERTIFICATE_BLOCKED"), await RegisterRawAsync(local, client, pem));
        Assert.Equal((HttpStatusCode.Conflict, "CERTIFICATE_BLOCKED"), await RegisterRawAsync(local, NewClient(), pem));
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(5), async () => await PresentAsync(local, certificate, client) == (HttpStatusCode.Forbidden, "CERTIFICATE_BLOCKED")));
    }

    [Theory]
    [InlineData("tpp/app")]
    [InlineData("tpp\\app")]
    [InlineData("tpp#app")]
    [InlineData("tpp?app=1")]
    [InlineData("' or 1 eq 1 or '")]
    [InlineData("x' or PartitionKey ne 'x")]
    public async Task Client_id_with_path_or_odata_syntax_round_trips_and_matches_only_itself(string suffix)
    {
        var client = "c-" + Guid.NewGuid().ToString("N")[..8] + suffix;
        var certificate = Fresh("odd-client");
        Assert.Equal(HttpStatusCode.Created, (await RegisterRawAsync(local, client, PkiExport.CertificatePem(certificate))).Status);

        using var admin = local.Admin();
        var list = await admin.GetFromJsonAsync<JsonElement>("api/bindings/" + Uri.EscapeDataString(client), Ct);
        var bindings = list.GetProperty("bindings").EnumerateArray().ToArray();
        Assert.Equal(client, Assert.Single(bindings).GetProperty("clientId").GetString());

        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(local, certificate, client)).Status);
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await PresentAsync(local, certificate, client[..10]));
    }

    [Theory]
    [InlineData("client\u0000nul")]
    [InlineData("client\nnewline")]
    [InlineData("client\u001fus")]
    [InlineData("client\u007fdel")]
    [InlineData("client%2F..%2Fother")]
    [InlineData("client%25")]
    public async Task Client_id_with_control_characters_or_percent_is_refused_by_the_admin_api_and_nothing_is_stored(string client)
    {
        var certificate = Fresh("control-client");

        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_INVALID"), await RegisterRawAsync(local, client, PkiExport.CertificatePem(certificate)));
        await AssertNotStoredAsync(local, certificate);
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await PresentAsync(local, certificate, "client-plain"));
    }

    [Fact]
    public async Task Forged_x_arr_clientcert_from_a_tpp_is_replaced_and_forged_client_cert_is_forwarder_untrusted()
    {
        var victim = Fresh("victim");
        var client = NewClient();
        await local.RegisterAsync(client, victim);
        var attacker = Fresh("attacker");
        using var http = local.Authorizer(attacker);

        var forgedArr = Ask(client);
        forgedArr.Headers.TryAddWithoutValidation("X-ARR-ClientCert", Convert.ToBase64String(victim.RawData));
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), await SendAsync(http, forgedArr));

        var forgedClientCert = Ask(client);
        forgedClientCert.Headers.TryAddWithoutValidation("Client-Cert", ":" + Convert.ToBase64String(victim.RawData) + ":");
        Assert.Equal((HttpStatusCode.Unauthorized, "FORWARDER_UNTRUSTED"), await SendAsync(http, forgedClientCert));

        var forgedChainOnly = Ask(client);
        forgedChainOnly.Headers.TryAddWithoutValidation("Client-Cert-Chain", ":" + Convert.ToBase64String(Catalogue.IssuingCa.Certificate.RawData) + ":");
        Assert.Equal((HttpStatusCode.Unauthorized, "FORWARDER_UNTRUSTED"), await SendAsync(http, forgedChainOnly));
    }

    [Fact]
    public async Task Access_token_whose_cnf_names_another_certificate_is_a_token_binding_mismatch()
    {
        var certificate = Fresh("token");
        var other = Fresh("token-other");
        var client = NewClient();
        await local.RegisterAsync(client, certificate);
        using var http = local.Authorizer(certificate);

        var foreign = Ask(client);
        foreign.Headers.Authorization = new AuthenticationHeaderValue("Bearer", local.Tokens.Sign(client, CertificateThumbprints.Of(other).X5tS256));
        var otherClient = Ask(client);
        otherClient.Headers.Authorization = new AuthenticationHeaderValue("Bearer", local.Tokens.Sign("someone-else", CertificateThumbprints.Of(certificate).X5tS256));
        var garbage = Ask(client);
        garbage.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.jwt!");
        var forged = Ask(client);
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(CertificateThumbprints.Of(certificate).X5tS256, client));

        Assert.Equal((HttpStatusCode.Forbidden, "TOKEN_BINDING_MISMATCH"), await SendAsync(http, foreign));
        Assert.Equal((HttpStatusCode.BadRequest, "CLIENT_ID_MISMATCH"), await SendAsync(http, otherClient));
        Assert.Equal((HttpStatusCode.Unauthorized, "TOKEN_INVALID"), await SendAsync(http, garbage));
        Assert.Equal((HttpStatusCode.Unauthorized, "TOKEN_INVALID"), await SendAsync(http, forged));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Token(string x5t, string clientId)
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("""{"alg":"RS256","typ":"at+jwt"}""") + "." + B64($"{{\"client_id\":\"{clientId}\",\"cnf\":{{\"x5t#S256\":\"{x5t}\"}}}}") + ".c2ln";
    }
}

using System.Xml.Linq;

namespace TppGate.Infra.Tests;

/// <summary>
/// What APIM sends to POST /api/authorize (CONTRACTS.md): the certificate, the TPP's Authorization header unchanged,
/// every client_id the TPP sent (header, query, form body) and the Berlin Group service named from the path.
/// </summary>
public sealed class ApimPolicyTests
{
    /// <summary>Every service of the built-in role map, and a path that names it (with and without the API's own prefix).</summary>
    public static TheoryData<string, string> ServicePaths => new()
    {
        { "/psd2/v1/accounts", "accounts" },
        { "/v1/accounts/3dc3d5b3-7023-4848-9853-f5400a64e80f/transactions", "accounts" },
        { "/psd2/v1/card-accounts/abc/balances", "card-accounts" },
        { "/psd2/v1/consents", "consents" },
        { "/psd2/v1/consents/1234-wertiq-983/authorisations", "consents" },
        { "/psd2/v2/consents/confirmation-of-funds", "funds-confirmations" },
        { "/psd2/v2/consents/confirmation-of-funds/cof-1/status", "funds-confirmations" },
        { "/psd2/v1/funds-confirmations", "funds-confirmations" },
        { "/psd2/v2/funds-confirmations", "funds-confirmations" },
        { "/psd2/v1/payments/sepa-credit-transfers", "payments" },
        { "/psd2/v1/bulk-payments/pain.001-sepa-credit-transfers", "bulk-payments" },
        { "/psd2/v1/periodic-payments/instant-sepa-credit-transfers/p-1", "periodic-payments" },
        { "/psd2/v1/signing-baskets/b-1/authorisations", "signing-baskets" },
        { "/psd2/oauth2/token", "token" },
        { "/token", "token" },
        { "/PSD2/V1/Accounts", "accounts" },
    };

    /// <summary>Paths that name no service: blank, which the authorizer refuses (400 API_MISSING).</summary>
    public static TheoryData<string> UnnamedPaths => new()
    {
        "/psd2/v1/unknown-service",
        "/psd2/v1",
        "/psd2/accounts",
        "/",
        "",
        "/psd2/va/accounts",
        "/psd2/v/accounts",
        "/psd2/v1/../payments",
        // A path the bank's API would normalise to another service must not be named for the one it shows first:
        // an account-information TPP would be authorised for accounts and reach payments.
        "/psd2/v1/accounts/../payments/sepa-credit-transfers",
        "/psd2/v1/accounts/%2e%2e/payments/sepa-credit-transfers",
        "/psd2/v1/accounts/.%2E/payments/sepa-credit-transfers",
        "/psd2/v1/accounts%2f..%2fpayments/sepa-credit-transfers",
        "/psd2/v1/accounts\\..\\payments/sepa-credit-transfers",
        "/psd2/v1/accounts/%5c../payments",
        "/psd2/./v1/accounts",
        "/psd2/oauth2/../token",
    };

    [Theory]
    [MemberData(nameof(ServicePaths))]
    public void The_policy_names_every_berlin_group_service_and_the_token_endpoint_from_the_path(string path, string service) =>
        Assert.Equal(service, ApimPolicy.NameService(path));

    [Theory]
    [MemberData(nameof(UnnamedPaths))]
    public void A_path_that_names_no_known_service_gets_a_blank_api_name(string path) =>
        Assert.Equal("", ApimPolicy.NameService(path));

    [Fact]
    public void Token_is_never_the_name_of_a_versioned_berlin_group_path_ending_in_token()
    {
        // token accepts any PSD2 role; an accounts path must still need PSP_AI.
        Assert.Equal("accounts", ApimPolicy.NameService("/psd2/v1/accounts/abc/token"));
        Assert.Equal("payments", ApimPolicy.NameService("/psd2/v1/payments/token"));
    }

    [Fact]
    public void The_first_version_segment_decides_even_when_an_id_looks_like_a_version()
    {
        Assert.Equal("accounts", ApimPolicy.NameService("/psd2/v1/accounts/v2/transactions"));
        Assert.Equal("funds-confirmations", ApimPolicy.NameService("/v2/consents/CONFIRMATION-OF-FUNDS"));
    }

    [Fact]
    public void The_policy_is_well_formed_xml_and_strips_what_a_tpp_could_forge_before_anything_else()
    {
        var inbound = ApimPolicy.Load().Root!.Element("inbound")!;
        var deleted = inbound.Elements().Skip(1).TakeWhile(e => e.Name == "set-header" && e.Attribute("exists-action")!.Value == "delete").Select(h => h.Attribute("name")!.Value).ToList();

        // Every header the bank's API could read a client certificate from goes too: App Service's own and Envoy's
        // (a backend on App Service, Functions or a service mesh), or TPP A could hand B's certificate to it.
        Assert.Equal(["Client-Cert", "Client-Cert-Chain", "X-ARR-ClientCert", "X-Forwarded-Client-Cert", "X-Tpp-Api", "X-Tpp-Client-Id", "X-Tpp-Organization-Id", "X-Tpp-Roles", "X-Tpp-Cert-Thumbprint"], deleted);
        var missing = inbound.Elements("choose").First().Element("when")!;
        Assert.Equal("@(context.Request.Certificate == null)", missing.Attribute("condition")!.Value);
        Assert.Equal("401", missing.Descendants("set-status").Single().Attribute("code")!.Value);
        Assert.Contains("CERTIFICATE_MISSING", missing.Value, StringComparison.Ordinal);
        Assert.Equal("503", ApimPolicy.Load().Root!.Element("on-error")!.Descendants("set-status").Single().Attribute("code")!.Value);
    }

    [Fact]
    public void The_authorizer_call_carries_the_certificate_with_a_short_timeout_and_apims_own_certificate()
    {
        var sendRequest = SendRequest();

        Assert.InRange(int.Parse(sendRequest.Attribute("timeout")!.Value, System.Globalization.CultureInfo.InvariantCulture), 1, 3);
        Assert.Equal("false", sendRequest.Attribute("ignore-error")!.Value);
        Assert.Equal("new", sendRequest.Attribute("mode")!.Value);
        Assert.Equal("POST", sendRequest.Element("set-method")!.Value);
        Assert.Equal("@(\":\" + Convert.ToBase64String(context.Request.Certificate.RawData) + \":\")", Header(sendRequest, "Client-Cert").Element("value")!.Value);
        Assert.Equal("tppgate-backend", sendRequest.Element("authentication-certificate")!.Attribute("certificate-id")!.Value);
    }

    [Fact]
    public void The_tpps_authorization_header_is_forwarded_unchanged_and_only_when_sent()
    {
        var authorization = Header(SendRequest(), "Authorization");

        Assert.Equal("@(context.Request.Headers.GetValueOrDefault(\"Authorization\", \"\"))", authorization.Element("value")!.Value);
        // A request without a token must not reach the authorizer with an empty Authorization header.
        Assert.Equal("@(context.Request.Headers.ContainsKey(\"Authorization\") ? \"override\" : \"delete\")", authorization.Attribute("exists-action")!.Value);
        // The policy no longer reads claims from an unverified token: the authorizer verifies it (decision 0008).
        Assert.DoesNotContain("AsJwt", File.ReadAllText(ApimPolicy.PathOnDisk), StringComparison.Ordinal);
    }

    [Fact]
    public void Client_ids_go_along_from_the_header_the_query_and_a_form_body_without_consuming_it()
    {
        var sendRequest = SendRequest();
        var clientId = Header(sendRequest, "X-Client-Id");
        var url = sendRequest.Element("set-url")!.Value;
        var body = sendRequest.Element("set-body")!.Value;

        Assert.Equal("@(context.Request.Headers.GetValueOrDefault(\"X-Client-Id\", \"\"))", clientId.Element("value")!.Value);
        Assert.Equal("@(context.Request.Headers.ContainsKey(\"X-Client-Id\") ? \"override\" : \"delete\")", clientId.Attribute("exists-action")!.Value);
        Assert.Contains("\"{{tppgate-authorizer-url}}\"", url, StringComparison.Ordinal);
        Assert.Contains("context.Request.Url.Query.TryGetValue(\"client_id\", out ids)", url, StringComparison.Ordinal);
        Assert.Contains("\"client_id=\" + Uri.EscapeDataString(id ?? \"\")", url, StringComparison.Ordinal);
        Assert.Contains("context.Request.Body.As<string>(preserveContent: true)", body, StringComparison.Ordinal);
        Assert.StartsWith("@((bool)context.Variables[\"tppgateForm\"]", body, StringComparison.Ordinal);
        Assert.Contains("\"application/x-www-form-urlencoded\"", ApimPolicy.Variable("tppgateForm"), StringComparison.Ordinal);
        var contentType = Header(sendRequest, "Content-Type");
        Assert.Equal("application/x-www-form-urlencoded", contentType.Element("value")!.Value);
        Assert.Equal("@((bool)context.Variables[\"tppgateForm\"] ? \"override\" : \"delete\")", contentType.Attribute("exists-action")!.Value);
    }

    [Fact]
    public void X_tpp_api_is_the_service_named_from_the_path_not_the_apim_api_name()
    {
        var api = Header(SendRequest(), "X-Tpp-Api");

        Assert.Equal("@((string)context.Variables[\"tppgateApi\"])", api.Element("value")!.Value);
        Assert.DoesNotContain("context.Api.Name", File.ReadAllText(ApimPolicy.PathOnDisk), StringComparison.Ordinal);
        Assert.Matches(@"^@\{\s*" + System.Text.RegularExpressions.Regex.Escape(ApimPolicy.PathInput), ApimPolicy.Variable("tppgateApi").TrimStart());
    }

    private static XElement SendRequest() => Assert.Single(ApimPolicy.Load().Descendants("send-request"));

    private static XElement Header(XElement sendRequest, string name) =>
        Assert.Single(sendRequest.Elements("set-header"), h => h.Attribute("name")!.Value == name);
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.LocalHost.Hosting;
using TppGate.Pki;

namespace TppGate.LocalHost.Tests.Support;

/// <summary>What an attacker does to the local run, and the checks every adversarial test makes afterwards.</summary>
public static class Adversary
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string NewClient() => "client-" + Guid.NewGuid().ToString("N")[..12];

    public static HttpRequestMessage Ask(string? clientId, string? api = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/authorize");
        if (clientId is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Client-Id", clientId);
        }

        // Every call names its API; the token endpoint's accepts any PSD2 role.
        request.Headers.Add("X-Tpp-Api", api ?? "token");

        return request;
    }

    /// <summary>Sends and reads status and problem code; the request is disposed.</summary>
    public static async Task<(HttpStatusCode Status, string? Code)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(http);
        using (request)
        {
            using var response = await http.SendAsync(request, Ct);
            var (status, code, _) = await Answers.ReadAsync(response);
            return (status, code);
        }
    }

    /// <summary>As the fixture's trusted forwarder (APIM): sends a raw Client-Cert (and chain) value.</summary>
    public static async Task<(HttpStatusCode Status, string? Code)> ForwardAsync(LocalRunFixture local, string? clientCert, string clientId, string? chain = null, string? api = null, LocalRun? run = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        using var apim = local.Authorizer(local.Catalogue[LocalRunFixture.ForwarderCertificate], run);
        var request = Ask(clientId, api);
        if (clientCert is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Client-Cert", clientCert));
        }

        if (chain is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Client-Cert-Chain", chain));
        }

        return await SendAsync(apim, request);
    }

    /// <summary>Over mutual TLS with <paramref name="certificate"/> in the handshake.</summary>
    public static async Task<(HttpStatusCode Status, string? Code)> PresentAsync(LocalRunFixture local, X509Certificate2 certificate, string clientId, string? api = null, LocalRun? run = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        using var http = local.Authorizer(certificate, run);
        return await SendAsync(http, Ask(clientId, api));
    }

    /// <summary>The host's own <see cref="Authorizer"/>: the decision pipeline without HTTP in front.</summary>
    public static Authorizer DirectAuthorizer(LocalRunFixture local, LocalRun? run = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        return (run ?? local.Run).App.Services.GetRequiredService<Authorizer>();
    }

    public static async Task<AuthorizationDecision> DecideAsync(LocalRunFixture local, string? value, CertificateSourceFormat format, string? clientId, string? chain = null)
        => await DirectAuthorizer(local).AuthorizeAsync(new AuthorizationRequest(value, format, chain, clientId, BerlinGroupApiRoles.Token, null), Ct);

    /// <summary>POST /api/bindings with a raw certificate value; returns status and problem code.</summary>
    public static async Task<(HttpStatusCode Status, string? Code)> RegisterRawAsync(LocalRunFixture local, string clientId, string certificate)
    {
        ArgumentNullException.ThrowIfNull(local);
        using var admin = local.Admin();
        using var response = await admin.PostAsJsonAsync("api/bindings", new { clientId, certificate }, Ct);
        var (status, code, _) = await Answers.ReadAsync(response);
        return (status, code);
    }

    /// <summary>GET /api/certificates/{thumbprint} on the admin port: status and problem code.</summary>
    public static async Task<(HttpStatusCode Status, string? Code)> LookupAsync(LocalRunFixture local, string thumbprint)
    {
        ArgumentNullException.ThrowIfNull(local);
        using var admin = local.Admin();
        using var response = await admin.GetAsync("api/certificates/" + Uri.EscapeDataString(thumbprint), Ct);
        var (status, code, _) = await Answers.ReadAsync(response);
        return (status, code);
    }

    /// <summary>Asserts the certificate has no binding at all: the admin API answers 404 BINDING_NOT_FOUND.</summary>
    public static async Task AssertNotStoredAsync(LocalRunFixture local, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Assert.Equal((HttpStatusCode.NotFound, "BINDING_NOT_FOUND"), await LookupAsync(local, CertificateThumbprints.Of(certificate).X5tS256));
    }

    /// <summary>Tries to register a certificate the product must refuse; asserts the exact refusal and that nothing was stored.</summary>
    public static async Task AssertRegistrationRefusedAsync(LocalRunFixture local, X509Certificate2 certificate, HttpStatusCode status, string code)
    {
        Assert.Equal((status, code), await RegisterRawAsync(local, NewClient(), PkiExport.CertificatePem(certificate)));
        await AssertNotStoredAsync(local, certificate);
    }
}

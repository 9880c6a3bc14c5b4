using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using TppGate.LocalHost.Hosting;
using TppGate.LocalHost.Tests.Support;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// The local host's three listeners (the authorizer over mutual TLS, the admin API, the dev QTSP's plain-HTTP CRL)
/// each answer only for their own surface. A client chooses its <c>Host</c> header, not the port it connected to, so
/// naming another listener's port in <c>Host</c> must not reach that listener's endpoints.
/// </summary>
public sealed class PortSeparationTests(LocalRunFixture local)
{
    [Fact]
    public async Task Authorizer_does_not_answer_on_the_plain_http_crl_port_when_host_names_the_authorizer_port()
    {
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{local.Run.Options.CrlPort}/") };
        using var control = await plain.GetAsync(DevQtspEndpoints.CrlPath.TrimStart('/'), Ct);
        var request = Ask(NewClient());
        request.Headers.Host = $"localhost:{local.Run.Options.AuthorizerPort}";

        var (status, code) = await SendAsync(plain, request);

        Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, (string?)null), (status, code));
    }

    [Fact]
    public async Task Admin_api_does_not_answer_on_the_authorizer_port_when_host_names_the_admin_port()
    {
        using var tpp = local.Authorizer(local.Catalogue.QwacAi);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/bindings/" + NewClient());
        request.Headers.Host = $"localhost:{local.Run.Options.AdminPort}";
        request.Headers.Add(LocalAdminKeyCallerResolver.HeaderName, local.Run.AdminKey);

        using var response = await tpp.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Crl_is_not_served_on_the_authorizer_port_when_host_names_the_crl_port()
    {
        using var tpp = local.Authorizer(local.Catalogue.QwacAi);
        using var request = new HttpRequestMessage(HttpMethod.Get, DevQtspEndpoints.CrlPath.TrimStart('/'));
        request.Headers.Host = $"localhost:{local.Run.Options.CrlPort}";

        using var response = await tpp.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Authorizer_answers_on_its_own_port_whatever_port_host_names()
    {
        using var tpp = local.Authorizer(local.Catalogue.QwacAi);
        var request = Ask(NewClient());
        request.Headers.Host = $"localhost:{local.Run.Options.AdminPort}";

        var (status, code) = await SendAsync(tpp, request);

        // Reached the authorizer, which denies an unregistered client_id; the admin API has no POST /api/authorize.
        Assert.Equal((HttpStatusCode.Forbidden, "CERTIFICATE_NOT_BOUND"), (status, code));
    }
}

/// <summary><see cref="LocalPortMatcherPolicy"/> on its own: an endpoint with no port, or another port, is not a candidate.</summary>
public sealed class LocalPortMatcherPolicyTests
{
    [Fact]
    public async Task Only_endpoints_naming_the_connection_port_stay_candidates_and_one_naming_no_port_never_does()
    {
        static Endpoint Named(string name, params object[] metadata) => new(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), name);
        var endpoints = new[] { Named("here", new LocalPortMetadata(8443)), Named("elsewhere", new LocalPortMetadata(9443)), Named("nowhere") };
        var candidates = new CandidateSet(endpoints, new RouteValueDictionary[endpoints.Length], new int[endpoints.Length]);
        var context = new DefaultHttpContext();
        context.Connection.LocalPort = 8443;

        await new LocalPortMatcherPolicy().ApplyAsync(context, candidates);

        Assert.Equal([true, false, false], Enumerable.Range(0, endpoints.Length).Select(candidates.IsValidCandidate));
    }
}

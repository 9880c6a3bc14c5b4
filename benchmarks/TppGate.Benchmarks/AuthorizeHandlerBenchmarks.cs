using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TppGate.Core.Authorization;
using TppGate.Http.Authorize;
using TppGate.Http.Callers;

namespace TppGate.Benchmarks;

/// <summary>
/// Issue 12: the warm allow at the HTTP level, without sockets or TLS: <see cref="AuthorizeHandler.HandleAsync"/>
/// on a <see cref="DefaultHttpContext"/> carrying the load test's request (certificate header, X-Client-Id,
/// X-Tpp-Api, POST with no body), then the answer written to a discarded body. The decision alone is the
/// baseline, so the ratio shows what the HTTP path adds; allocations per request are reported.
/// </summary>
[MemoryDiagnoser]
public class AuthorizeHandlerBenchmarks
{
    private DecisionFixture _fixture = null!;
    private AuthorizationRequest _request = null!;
    private AuthorizeHandler _handler = null!;
    private string _header = "";

    [GlobalSetup]
    public void Setup()
    {
        _fixture = DecisionFixture.Create(certificates: 1, certificateCacheSize: 10_000);
        _request = _fixture.WarmRequest(0);
        _header = _request.CertificateValue!;
        _handler = new AuthorizeHandler(
            _fixture.Authorizer,
            Options.Create(new RequestOptions()),
            new AppServiceAuthenticationCallerResolver(Options.Create(new AppServiceAuthenticationOptions())),
            NullLogger<AuthorizeHandler>.Instance);
        if (HandlerAllow() != 200)
        {
            throw new InvalidOperationException("the warm request is not an allow: the figures would measure a failure path");
        }
    }

    [Benchmark(Baseline = true, Description = "warm decision alone")]
    public bool Decision() => _fixture.Authorizer.AuthorizeAsync(_request).GetAwaiter().GetResult().IsAllowed;

    [Benchmark(Description = "HandleAsync + ExecuteAsync on a DefaultHttpContext (warm allow)")]
    public int HandlerAllow()
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.Scheme = "https";
        request.Path = "/api/authorize";
        request.Headers["X-ARR-ClientCert"] = _header;
        request.Headers["X-Client-Id"] = DecisionFixture.ClientId(0);
        request.Headers["X-Tpp-Api"] = "accounts";
        context.Response.Body = Stream.Null;
        var result = _handler.HandleAsync(context).GetAwaiter().GetResult();
        result.ExecuteAsync(context).GetAwaiter().GetResult();
        return context.Response.StatusCode;
    }

    [Benchmark(Description = "DefaultHttpContext set-up alone (subtract from the handler figure)")]
    public int ContextAlone()
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.Scheme = "https";
        request.Path = "/api/authorize";
        request.Headers["X-ARR-ClientCert"] = _header;
        request.Headers["X-Client-Id"] = DecisionFixture.ClientId(0);
        request.Headers["X-Tpp-Api"] = "accounts";
        context.Response.Body = Stream.Null;
        return request.Headers.Count;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace TppGate.LocalHost.Hosting;

/// <summary>Endpoint metadata: the endpoint answers only on connections accepted on <see cref="Port"/>.</summary>
public sealed record LocalPortMetadata(int Port);

/// <summary>
/// Routes the local host by the port a connection was accepted on, which the client cannot choose per request,
/// rather than by the port its <c>Host</c> header names, which it can. An endpoint without
/// <see cref="LocalPortMetadata"/> answers on no port: each of the local host's surfaces (the authorizer, the admin
/// API, the dev QTSP's CRL) exists only on its own listener, as they are separate apps in Azure.
/// </summary>
public sealed class LocalPortMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    /// <inheritdoc />
    public override int Order => 0;

    /// <inheritdoc />
    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Count > 0;
    }

    /// <inheritdoc />
    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(candidates);
        var port = httpContext.Connection.LocalPort;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<LocalPortMetadata>()?.Port != port)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Maps endpoints for one listener of the local host.</summary>
public static class LocalPortEndpoints
{
    /// <summary>A route group whose endpoints answer only on connections accepted on <paramref name="port"/>.</summary>
    public static RouteGroupBuilder OnLocalPort(this IEndpointRouteBuilder app, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapGroup("").WithMetadata(new LocalPortMetadata(port));
    }
}

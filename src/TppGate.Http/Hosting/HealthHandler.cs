using Microsoft.AspNetCore.Http;
using TppGate.Core.Authorization;
using TppGate.Core.Trust;
using TppGate.Http.Admin;
using TppGate.Http.Callers;
using TppGate.Http.Results;

namespace TppGate.Http.Hosting;

/// <summary>
/// <c>GET /api/health</c>: 200 when trust anchors are loaded and the change feed is fresh, else 503. Anonymous
/// callers (probes, anyone on the internet) learn only <c>healthy</c> or <c>unhealthy</c>; anchor source, counts
/// and ages, feed age and cache counters need the TppGate.Reader (or Admin) role. Never certificates or keys.
/// </summary>
public sealed class HealthHandler(ITrustAnchorProvider anchors, BindingCache bindings, CertificateVerifier verifier, ICallerResolver callers)
{
    private static readonly HealthStatusView Healthy = new("healthy");
    private static readonly HealthStatusView Unhealthy = new("unhealthy");

    /// <summary>Answers the health probe; details only for a caller who may read.</summary>
    public TppGateResult Handle(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var set = anchors.Current;
        var healthy = set is { Anchors.Count: > 0 } && bindings.IsFresh;
        var status = healthy ? 200 : 503;
        if (!(callers.IsConfigured && callers.Resolve(context.Request) is { CanRead: true }))
        {
            return TppGateResult.Json(status, healthy ? Healthy : Unhealthy);
        }

        var view = new HealthView(
            healthy ? "healthy" : "unhealthy",
            set?.Count ?? 0,
            set?.LoadedAt,
            set?.Source,
            bindings.LastFeedRead,
            verifier.CachedCount,
            bindings.Count);
        return TppGateResult.Json(status, view);
    }
}

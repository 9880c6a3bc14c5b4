using Microsoft.AspNetCore.Http;
using TppGate.Core.Authorization;
using TppGate.Core.Trust;
using TppGate.Http.Admin;
using TppGate.Http.Results;

namespace TppGate.Http.Hosting;

/// <summary>
/// <c>GET /api/health</c>: 200 when trust anchors are loaded and the change feed is fresh, else 503. Reports
/// anchor count and age, never certificates or keys.
/// </summary>
public sealed class HealthHandler(ITrustAnchorProvider anchors, BindingCache bindings, CertificateVerifier verifier)
{
    /// <summary>Answers the health probe.</summary>
    public TppGateResult Handle()
    {
        var set = anchors.Current;
        var healthy = set is { Anchors.Count: > 0 } && bindings.IsFresh;
        var view = new HealthView(
            healthy ? "healthy" : "unhealthy",
            set?.Count ?? 0,
            set?.LoadedAt,
            set?.Source,
            bindings.LastFeedRead,
            verifier.CachedCount,
            bindings.Count);
        return TppGateResult.Json(healthy ? 200 : 503, view);
    }
}

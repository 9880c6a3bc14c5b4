using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace TppGate.Azure.KeyVault;

/// <summary>
/// Reports the trust anchor set: unhealthy when none has ever loaded (every request is refused), degraded when
/// the set is older than <see cref="KeyVaultTrustAnchorOptions.DegradedAfterRefreshIntervals"/> refresh intervals.
/// </summary>
public sealed class KeyVaultTrustAnchorHealthCheck(
    KeyVaultTrustAnchorProvider provider,
    IOptions<KeyVaultTrustAnchorOptions> options,
    TimeProvider timeProvider) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var set = provider.Current;
        var data = new Dictionary<string, object>
        {
            ["consecutiveFailures"] = provider.ConsecutiveFailures,
            ["lastFailure"] = (provider.LastResult?.Failure ?? TrustAnchorRefreshFailure.None).ToString(),
        };
        if (set is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No trust anchors have loaded from Key Vault.", data: data));
        }

        var age = timeProvider.GetUtcNow() - set.LoadedAt;
        data["anchors"] = set.Anchors.Count;
        data["intermediates"] = set.Intermediates.Count;
        data["ageSeconds"] = Math.Round(age.TotalSeconds);
        data["source"] = set.Source;

        var limit = options.Value.RefreshInterval * options.Value.DegradedAfterRefreshIntervals;
        return Task.FromResult(age > limit
            ? HealthCheckResult.Degraded($"Trust anchors are {age.TotalMinutes:F0} minutes old; refreshes are failing.", data: data)
            : HealthCheckResult.Healthy($"{set.Count} trust anchor certificates loaded.", data));
    }
}

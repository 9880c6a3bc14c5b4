using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TppGate.Azure.KeyVault;

/// <summary>Loads the trust anchors when the host starts, then refreshes them at a jittered interval.</summary>
public sealed partial class KeyVaultTrustAnchorRefreshService(
    KeyVaultTrustAnchorProvider provider,
    TimeProvider timeProvider,
    ILogger<KeyVaultTrustAnchorRefreshService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => RefreshLoop.RunAsync(provider.RefreshAsync, provider.NextRefreshDelay, e => Log.RefreshCrashed(logger, e), timeProvider, stoppingToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, EventName = "TrustAnchorRefreshCrashed", Level = LogLevel.Error,
            Message = "Trust anchor refresh threw; the last good set stays in use")]
        public static partial void RefreshCrashed(ILogger logger, Exception exception);
    }
}

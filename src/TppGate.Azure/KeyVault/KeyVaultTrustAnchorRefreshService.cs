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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await provider.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A bug in one refresh must not end the refresh loop: the next one may succeed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.RefreshCrashed(logger, e);
            }

            try
            {
                await Task.Delay(provider.NextRefreshDelay(), timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, EventName = "TrustAnchorRefreshCrashed", Level = LogLevel.Error,
            Message = "Trust anchor refresh threw; the last good set stays in use")]
        public static partial void RefreshCrashed(ILogger logger, Exception exception);
    }
}

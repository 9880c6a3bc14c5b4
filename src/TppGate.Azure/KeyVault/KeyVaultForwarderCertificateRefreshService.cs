using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TppGate.Azure.KeyVault;

/// <summary>Reads the trusted forwarder's certificate when the host starts, then at its refresh interval.</summary>
public sealed partial class KeyVaultForwarderCertificateRefreshService(
    KeyVaultForwarderCertificateProvider provider,
    TimeProvider timeProvider,
    ILogger<KeyVaultForwarderCertificateRefreshService> logger) : BackgroundService
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
#pragma warning disable CA1031 // A bug in one refresh must not end the loop: the last set stays, the next refresh may succeed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                RefreshCrashed(logger, e);
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

    [LoggerMessage(EventId = 32, EventName = "ForwarderCertificateRefreshCrashed", Level = LogLevel.Error,
        Message = "Trusted forwarder certificate refresh threw; the last set stays in use")]
    private static partial void RefreshCrashed(ILogger logger, Exception exception);
}

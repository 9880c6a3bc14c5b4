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
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => RefreshLoop.RunAsync(provider.RefreshAsync, provider.NextRefreshDelay, e => RefreshCrashed(logger, e), timeProvider, stoppingToken);

    [LoggerMessage(EventId = 32, EventName = "ForwarderCertificateRefreshCrashed", Level = LogLevel.Error,
        Message = "Trusted forwarder certificate refresh threw; the last set stays in use")]
    private static partial void RefreshCrashed(ILogger logger, Exception exception);
}

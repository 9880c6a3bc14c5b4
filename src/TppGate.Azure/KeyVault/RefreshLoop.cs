namespace TppGate.Azure.KeyVault;

/// <summary>
/// The loop both Key Vault refresh services run: refresh, wait the provider's next delay, repeat until the host
/// stops. A refresh that throws is reported and the loop goes on, so the last good value stays in use.
/// </summary>
internal static class RefreshLoop
{
    public static async Task RunAsync(
        Func<CancellationToken, Task> refresh,
        Func<TimeSpan> nextDelay,
        Action<Exception> crashed,
        TimeProvider timeProvider,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await refresh(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A bug in one refresh must not end the loop: the last good value stays, the next refresh may succeed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                crashed(e);
            }

            try
            {
                await Task.Delay(nextDelay(), timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

using Microsoft.Extensions.Hosting;
using TppGate.Core.Authorization;

namespace TppGate.Http.Hosting;

/// <summary>
/// Runs the <see cref="BindingChangeWatcher"/> for the life of the host. It never stops before the host does:
/// whatever a poll throws, the next one runs, and the cache stops being fresh meanwhile (every decision then
/// reads storage, or is a 503), which is the safe way to fail.
/// </summary>
public sealed class BindingChangeWatcherService(BindingChangeWatcher watcher) : BackgroundService
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await watcher.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // RunAsync does not throw; should it ever, the watcher starts again after a pause.
                await Task.Delay(Pause, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}

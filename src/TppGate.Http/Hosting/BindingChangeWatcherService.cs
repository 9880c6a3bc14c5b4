using Microsoft.Extensions.Hosting;
using TppGate.Core.Authorization;

namespace TppGate.Http.Hosting;

/// <summary>Runs the <see cref="BindingChangeWatcher"/> for the life of the host.</summary>
public sealed class BindingChangeWatcherService(BindingChangeWatcher watcher) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await watcher.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}

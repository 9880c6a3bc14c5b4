using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using TppGate.Azure.Tables;

namespace TppGate.Functions.Functions;

/// <summary>
/// Admin app only (disabled on the authorizer app): deletes change-feed entries older than
/// Bindings:ChangeRetention whose change has landed. Schedule: app setting ChangeFeedRetentionSchedule
/// (NCRONTAB, e.g. "0 */15 * * * *").
/// </summary>
public sealed class ChangeFeedRetention(TableBindingStore store, IOptions<TableBindingStoreOptions> options, SurfaceGate surface, TimeProvider? time = null)
{
    [Function(nameof(ChangeFeedRetention))]
    public Task Run([TimerTrigger("%ChangeFeedRetentionSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => surface.Serves(FunctionSurface.Admin)
            ? store.DeleteResolvedChangesAsync((time ?? TimeProvider.System).GetUtcNow() - options.Value.ChangeRetention, cancellationToken)
            : Task.CompletedTask;
}

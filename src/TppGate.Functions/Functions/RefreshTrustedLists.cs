using Microsoft.Azure.Functions.Worker;
using TppGate.Azure.TrustedLists;

namespace TppGate.Functions.Functions;

/// <summary>
/// Imports the QWAC anchors from the EU trusted lists into the anchors vault on the schedule in the app setting
/// <c>TrustedListsSchedule</c> (NCRONTAB; admin app only, decision 0012).
/// </summary>
public sealed class RefreshTrustedLists(TrustedListsRefresher refresher, SurfaceGate surface)
{
    [Function(nameof(RefreshTrustedLists))]
    public Task Run([TimerTrigger("%TrustedListsSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => surface.Serves(FunctionSurface.Admin) ? refresher.RunAsync(cancellationToken) : Task.CompletedTask;
}

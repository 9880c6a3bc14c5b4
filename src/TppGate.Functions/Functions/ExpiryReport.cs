using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Telemetry;

namespace TppGate.Functions.Functions;

/// <summary>
/// Admin app only (disabled on the authorizer app): logs the active bindings whose certificate expires within
/// ExpiryReport:WindowDays and publishes their count as tppgate.bindings.expiring. Schedule: app setting
/// ExpiryReportSchedule (NCRONTAB, daily, e.g. "0 0 6 * * *").
/// </summary>
public sealed class ExpiryReport(BindingExpiryReport report, SurfaceGate surface)
{
    [Function(nameof(ExpiryReport))]
    public Task Run([TimerTrigger("%ExpiryReportSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => surface.Serves(FunctionSurface.Admin) ? report.RunAsync(cancellationToken) : Task.CompletedTask;
}

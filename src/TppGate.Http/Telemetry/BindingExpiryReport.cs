using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Bindings;
using TppGate.Http.Logging;

namespace TppGate.Http.Telemetry;

/// <summary>
/// The expiry report: logs each active binding whose certificate expires within
/// <see cref="ExpiryReportOptions.WindowDays"/> (client_id escaped, SHA-256, notAfter) and a summary, and publishes
/// the count as the gauge <c>tppgate.bindings.expiring</c> on the meter <see cref="TppGateMetrics.MeterName"/>,
/// which the deployment's certificates-expiring alert reads (Max over a day, above 0). The admin app's timer
/// function <c>ExpiryReport</c> runs it daily.
/// </summary>
/// <remarks>
/// The gauge reports the count of the last report that succeeded, and nothing before the first report or after one
/// that failed: a storage failure is logged (and counted by <c>tppgate.storage.failures</c>), never thrown, so a
/// timer never fails in a loop and the alert never reads a count it did not get.
/// </remarks>
public sealed partial class BindingExpiryReport
{
    private const long NoCount = -1;

    private readonly IBindingStore _store;
    private readonly ExpiryReportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BindingExpiryReport> _logger;
    private long _lastCount = NoCount;

    /// <summary>Creates the report and its gauge.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public BindingExpiryReport(IBindingStore store, IOptions<ExpiryReportOptions> options, IMeterFactory meterFactory, TimeProvider time, ILogger<BindingExpiryReport> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;

        // The factory hands out one meter per name: this is TppGateMetrics' meter, exported with it.
        var meter = meterFactory.Create(TppGateMetrics.MeterName);
        meter.CreateObservableGauge(
            "tppgate.bindings.expiring",
            () => LastCount is { } count ? [new Measurement<long>(count)] : Array.Empty<Measurement<long>>(),
            "{binding}",
            "Active bindings whose certificate expires within the report's window (or has expired), from the last expiry report that succeeded.");
    }

    /// <summary>The count of the last report, or null before the first one or after one that failed.</summary>
    public long? LastCount => Interlocked.Read(ref _lastCount) is var count and >= 0 ? count : null;

    /// <summary>Runs the report once; returns the count, or null when storage failed (logged).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<int?> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var before = now.AddDays(_options.WindowDays);
        IReadOnlyList<CertificateBinding> expiring;
        try
        {
            expiring = await _store.GetExpiringAsync(before, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _lastCount, NoCount);
            LogReportFailed(_logger, _options.WindowDays, ex);
            return null;
        }

        var expired = 0;
        foreach (var binding in expiring)
        {
            if (binding.NotAfter <= now)
            {
                expired++;
                LogExpired(_logger, LogValue.Escape(binding.ClientId)!, binding.Sha256, binding.NotAfter);
            }
            else
            {
                LogExpiring(_logger, LogValue.Escape(binding.ClientId)!, binding.Sha256, binding.NotAfter, (int)Math.Ceiling((binding.NotAfter - now).TotalDays));
            }
        }

        Interlocked.Exchange(ref _lastCount, expiring.Count);
        LogSummary(_logger, expiring.Count, _options.WindowDays, before, expired);
        return expiring.Count;
    }

    [LoggerMessage(EventId = 2100, EventName = "BindingExpiring", Level = LogLevel.Warning,
        Message = "Binding expiring: client {ClientId}, certificate {Sha256}, notAfter {NotAfter:O} (in {DaysLeft} days)")]
    private static partial void LogExpiring(ILogger logger, string clientId, string sha256, DateTimeOffset notAfter, int daysLeft);

    [LoggerMessage(EventId = 2101, EventName = "BindingExpired", Level = LogLevel.Warning,
        Message = "Binding expired and still active: client {ClientId}, certificate {Sha256}, notAfter {NotAfter:O}")]
    private static partial void LogExpired(ILogger logger, string clientId, string sha256, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 2102, EventName = "ExpiryReport", Level = LogLevel.Information,
        Message = "Expiry report: {Count} active bindings expire within {WindowDays} days (before {Before:O}), {Expired} of them already expired")]
    private static partial void LogSummary(ILogger logger, int count, int windowDays, DateTimeOffset before, int expired);

    [LoggerMessage(EventId = 2103, EventName = "ExpiryReportFailed", Level = LogLevel.Error,
        Message = "Expiry report ({WindowDays} days) failed: binding storage unavailable; tppgate.bindings.expiring is not reported until a report succeeds")]
    private static partial void LogReportFailed(ILogger logger, int windowDays, Exception exception);
}

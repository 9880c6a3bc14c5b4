using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;

namespace TppGate.Http.Hosting;

/// <summary>
/// Keeps the CRL cache current (decision 0009): every <see cref="ChainValidationOptions.CrlRefreshInterval"/> it
/// fetches again each CRL the cache or the shared store knows, and logs every CRL that failed or went stale,
/// with what the policy does about it.
/// </summary>
public sealed partial class CrlRefresherService(CrlCache cache, ITrustAnchorProvider anchors, ChainValidationOptions options, TimeProvider time, ILogger<CrlRefresherService> logger) : BackgroundService
{
    /// <summary>The meter of <c>tppgate.crl.age</c> (seconds since the oldest cached CRL was issued), which the deployment's CRL alert reads.</summary>
    public const string MeterName = "TppGate.Revocation";

    private readonly Meter _meter = CreateMeter(cache);

    /// <inheritdoc />
    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    private static Meter CreateMeter(CrlCache cache)
    {
        var meter = new Meter(MeterName);
        meter.CreateObservableGauge("tppgate.crl.age", () => cache.OldestAge is { } age ? [new Measurement<double>(age.TotalSeconds)] : Array.Empty<Measurement<double>>(), "s", "Seconds since the oldest cached CRL was issued (thisUpdate).");
        return meter;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Revocation == RevocationCheck.NoCheck)
        {
            LogRevocationOff(logger);
            return;
        }

        using var timer = new PeriodicTimer(options.CrlRefreshInterval, time);
        try
        {
            do
            {
                await RefreshOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>One refresh round; public for tests and the local run.</summary>
    public async Task RefreshOnceAsync(CancellationToken cancellationToken = default)
    {
        var set = anchors.Current;
        IEnumerable<System.Security.Cryptography.X509Certificates.X509Certificate2> issuers = set is null ? [] : [.. set.Anchors, .. set.Intermediates];
        var policy = options.AllowUnknownRevocation
            ? "certificates it covers are allowed with a finding (Authorizer:Chain:AllowUnknownRevocation)"
            : "certificates it covers are denied with 503 SERVICE_UNAVAILABLE";
        foreach (var problem in await cache.RefreshAsync(issuers, cancellationToken))
        {
            LogCrlProblem(logger, problem, policy);
        }

        LogRefreshed(logger, cache.Count);
    }

    [LoggerMessage(EventId = 3001, EventName = "CrlProblem", Level = LogLevel.Warning, Message = "CRL {Problem}; while no current CRL is cached, {Policy}")]
    private static partial void LogCrlProblem(ILogger logger, string problem, string policy);

    [LoggerMessage(EventId = 3002, EventName = "CrlRefreshed", Level = LogLevel.Debug, Message = "CRL cache refreshed: {Count} CRLs")]
    private static partial void LogRefreshed(ILogger logger, int count);

    [LoggerMessage(EventId = 3003, EventName = "RevocationOff", Level = LogLevel.Warning, Message = "QTSP revocation checking is off (Authorizer:Chain:Revocation = NoCheck): revoked QWACs are allowed until their binding is revoked")]
    private static partial void LogRevocationOff(ILogger logger);
}

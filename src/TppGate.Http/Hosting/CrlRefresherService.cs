using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;

namespace TppGate.Http.Hosting;

/// <summary>
/// Keeps the CRL cache current (decisions 0009 and 0016): every <see cref="ChainValidationOptions.CrlRefreshInterval"/>
/// it fetches again each CRL the cache or the shared store knows (the store holds every CRL any instance fetched,
/// registrations included, so every bound certificate's CRL), then the CRL of each CA of the anchor set that another
/// CA of the set issued, verified against that issuer. It logs every CRL that failed or went stale, with what the
/// policy does about it.
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

        if (set is not null)
        {
            await RefreshAnchorSetAsync(set, cancellationToken);
        }

        LogRefreshed(logger, cache.Count);
    }

    // The CAs of the anchor set are trusted because the set names them (ChainValidator); their CRLs are kept all the
    // same, so a forwarded CA they issued is checked without a fetch, and a listed CA is reported to the operator.
    // Each CRL is verified against the CA of the set that issued the CA (by signature, not just by name); a CA whose
    // issuer the set does not hold has no CRL to verify and is skipped.
    private async Task RefreshAnchorSetAsync(TrustAnchorSet set, CancellationToken cancellationToken)
    {
        System.Security.Cryptography.X509Certificates.X509Certificate2[] all = [.. set.Anchors, .. set.Intermediates];
        foreach (var ca in all)
        {
            var issuer = Array.Find(all, c => !ReferenceEquals(c, ca) && !c.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span) && RevocationList.IsIssuedBy(ca, c));
            if (issuer is null)
            {
                continue;
            }

            var status = await cache.PrimeAsync(ca, issuer, cancellationToken);
            switch (status.State)
            {
                case RevocationState.Revoked:
                    LogAnchorSetCaRevoked(logger, ca.Subject, status.Detail);
                    break;
                case RevocationState.Unknown:
                    LogAnchorSetCrlProblem(logger, ca.Subject, status.Detail);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = 3001, EventName = "CrlProblem", Level = LogLevel.Warning, Message = "CRL {Problem}; while no current CRL is cached, {Policy}")]
    private static partial void LogCrlProblem(ILogger logger, string problem, string policy);

    [LoggerMessage(EventId = 3002, EventName = "CrlRefreshed", Level = LogLevel.Debug, Message = "CRL cache refreshed: {Count} CRLs")]
    private static partial void LogRefreshed(ILogger logger, int count);

    [LoggerMessage(EventId = 3004, EventName = "AnchorSetCaRevoked", Level = LogLevel.Error, Message = "CA {Subject} of the trust-anchor set is listed on its issuer's CRL ({Detail}); it stays trusted while the set names it: remove it from the anchors")]
    private static partial void LogAnchorSetCaRevoked(ILogger logger, string subject, string? detail);

    [LoggerMessage(EventId = 3005, EventName = "AnchorSetCrlProblem", Level = LogLevel.Warning, Message = "The CRL covering CA {Subject} of the trust-anchor set is not current: {Detail}")]
    private static partial void LogAnchorSetCrlProblem(ILogger logger, string subject, string? detail);

    [LoggerMessage(EventId = 3003, EventName = "RevocationOff", Level = LogLevel.Warning, Message = "QTSP revocation checking is off (Authorizer:Chain:Revocation = NoCheck): revoked QWACs are allowed until their binding is revoked")]
    private static partial void LogRevocationOff(ILogger logger);
}

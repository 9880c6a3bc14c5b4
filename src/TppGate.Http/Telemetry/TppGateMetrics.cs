using System.Diagnostics;
using System.Diagnostics.Metrics;
using TppGate.Core.Authorization;
using TppGate.Core.Trust;

namespace TppGate.Http.Telemetry;

/// <summary>
/// TppGate's metrics on the meter <see cref="MeterName"/> (exported by OpenTelemetry: Azure Monitor in Azure, OTLP or
/// the console locally). The names are the ones the Bicep's alerts and workbook query in AppMetrics. Labels are closed sets only: outcome, deny code, admin action and result, cache and look-up result. Never a
/// client_id, thumbprint, organisation, API name or anything else a caller chooses.
/// </summary>
public sealed class TppGateMetrics
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "TppGate";

    /// <summary>
    /// Every meter the product's instruments live on, for the hosts' OpenTelemetry set-up: this one, the revocation
    /// meter (<c>tppgate.crl.age</c>) and the storage meter (<c>tppgate.storage.*</c>).
    /// </summary>
    public static readonly string[] ExportedMeterNames = [MeterName, Hosting.CrlRefresherService.MeterName, TppGate.Azure.Tables.TableStorageMetrics.MeterName];

    private static readonly KeyValuePair<string, object?>[] BindingHit = [new("cache", "bindings"), new("result", "hit")];
    private static readonly KeyValuePair<string, object?>[] BindingMiss = [new("cache", "bindings"), new("result", "miss")];
    private static readonly KeyValuePair<string, object?>[] CertificateHit = [new("cache", "certificates"), new("result", "hit")];
    private static readonly KeyValuePair<string, object?>[] CertificateMiss = [new("cache", "certificates"), new("result", "miss")];

    private static readonly double[] DurationBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _adminWrites;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public TppGateMetrics(IMeterFactory meterFactory, ITrustAnchorProvider anchors, BindingCache bindings, CertificateVerifier verifier, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(bindings);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(time);
        Meter = meterFactory.Create(MeterName);
        _decisions = Meter.CreateCounter<long>("tppgate.decisions", "{decision}", "Authorization decisions by outcome (allow, deny) and deny code.");
        _duration = Meter.CreateHistogram("tppgate.decision.duration", "ms", "Time from request to decision.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _adminWrites = Meter.CreateCounter<long>("tppgate.admin.writes", "{write}", "Admin writes by action (register, revoke) and result.");
        Meter.CreateObservableGauge("tppgate.anchors.count", () => anchors.Current?.Count ?? 0, "{certificate}", "Trust anchors and intermediates loaded; 0 before the first load.");
        Meter.CreateObservableGauge("tppgate.anchors.age", () => anchors.Current is { } set ? [new Measurement<double>((time.GetUtcNow() - set.LoadedAt).TotalSeconds)] : Array.Empty<Measurement<double>>(), "s", "Age of the loaded trust anchor set.");
        Meter.CreateObservableGauge("tppgate.change_feed.age", () => bindings.LastFeedRead is { } at ? [new Measurement<double>((time.GetUtcNow() - at).TotalSeconds)] : Array.Empty<Measurement<double>>(), "s", "Time since the binding change feed was last read.");
        Meter.CreateObservableGauge("tppgate.cache.bindings", () => bindings.Count, "{entry}", "Bindings cached.");
        Meter.CreateObservableGauge("tppgate.cache.certificates", () => verifier.CachedCount, "{entry}", "Verified certificates cached.");

        // Counted by the caches themselves (one interlocked add per look-up) and read here only when the exporter
        // collects: the warm allow path allocates nothing and takes no lock for this metric.
        Meter.CreateObservableCounter(
            "tppgate.cache.lookups",
            () => new Measurement<long>[]
            {
                new(bindings.Hits, BindingHit),
                new(bindings.Misses, BindingMiss),
                new(verifier.CacheHits, CertificateHit),
                new(verifier.CacheMisses, CertificateMiss),
            },
            "{lookup}",
            "Cache look-ups by cache (bindings, certificates) and result (hit, miss); the hit ratio is hit / (hit + miss).");
    }

    /// <summary>The meter (owned by the factory, disposed with the host).</summary>
    public Meter Meter { get; }

    /// <summary>Counts one decision and records its duration since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Decision(string? denyCode, long startTimestamp)
    {
        var outcome = denyCode is null ? "allow" : "deny";
        _decisions.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("code", denyCode ?? "NONE"));
        _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>Counts one admin write: <paramref name="action"/> register, revoke or update, <paramref name="result"/> a closed outcome name.</summary>
    public void AdminWrite(string action, string result) =>
        _adminWrites.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("result", result));
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TppGate.Azure.Tables;

/// <summary>
/// Table Storage calls of the binding store on the meter <see cref="MeterName"/>: <c>tppgate.storage.duration</c>
/// (histogram, ms, every call) and <c>tppgate.storage.failures</c> (counter, failed calls), which the deployment's
/// storage alert reads. Measured by <see cref="CreatePolicy"/>, an Azure.Core policy in the per-call position: one
/// measurement per logical call, the SDK's retries included, so a call that succeeded on its second try is not a
/// failure. Labels are closed sets only: <c>client</c> (hot_path, admin), <c>operation</c> (read, query, write,
/// delete, table) and <c>status</c> (2xx, 3xx, 4xx, 5xx, none, canceled). Never a key, client_id, filter or URL.
/// </summary>
/// <remarks>
/// A failure is a call without a response (refused connection, per-try timeouts exhausted, credential failure),
/// one cut short by its caller's token (the authorizer's read deadline), a 5xx, a 404 for a missing table, or any
/// other 4xx but the answers the store's protocol expects: 404 (not found), 409 (insert of an existing row) and
/// 412 (ETag mismatch).
/// </remarks>
public sealed class TableStorageMetrics
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "TppGate.Storage";

    /// <summary>The <c>client</c> label of the hot-path client (look-ups by certificate).</summary>
    public const string HotPathClient = "hot_path";

    /// <summary>The <c>client</c> label of the admin client (writes, listings, change feed).</summary>
    public const string AdminClient = "admin";

    private static readonly double[] DurationBuckets = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="meterFactory"/> is null.</exception>
    public TableStorageMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
        _duration = Meter.CreateHistogram("tppgate.storage.duration", "ms", "Time of one Table Storage call, retries included, by client, operation and status class.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _failures = Meter.CreateCounter<long>("tppgate.storage.failures", "{call}", "Table Storage calls that failed (no response, cut short, 5xx, missing table, unexpected 4xx), by client, operation and status class.");
    }

    /// <summary>The meter (owned by the factory, disposed with the host).</summary>
    public Meter Meter { get; }

    /// <summary>A policy measuring every call of one client; add it with <see cref="HttpPipelinePosition.PerCall"/>.</summary>
    /// <param name="client"><see cref="HotPathClient"/> or <see cref="AdminClient"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="client"/> is not one of the two labels.</exception>
    public HttpPipelinePolicy CreatePolicy(string client)
    {
        if (client is not (HotPathClient or AdminClient))
        {
            throw new ArgumentException($"client must be {HotPathClient} or {AdminClient}.", nameof(client));
        }

        return new Policy(this, client);
    }

    private void Record(HttpMessage message, string client, long startTimestamp)
    {
        var (status, failed) = Classify(message);
        var tags = new TagList
        {
            { "client", client },
            { "operation", Operation(message.Request) },
            { "status", status },
        };
        _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, tags);
        if (failed)
        {
            _failures.Add(1, tags);
        }
    }

    private static (string Status, bool Failed) Classify(HttpMessage message)
    {
        if (!message.HasResponse)
        {
            return (message.CancellationToken.IsCancellationRequested ? "canceled" : "none", true);
        }

        var code = message.Response.Status;
        var status = code switch
        {
            < 300 => "2xx",
            < 400 => "3xx",
            < 500 => "4xx",
            _ => "5xx",
        };
        var failed = code switch
        {
            404 => message.Response.Headers.TryGetValue("x-ms-error-code", out var error) && string.Equals(error, "TableNotFound", StringComparison.Ordinal),
            409 or 412 => false,
            >= 400 => true,
            _ => false,
        };
        return (status, failed);
    }

    private static string Operation(Request request)
    {
        var method = request.Method;
        if (method == RequestMethod.Delete)
        {
            return "delete";
        }

        var path = request.Uri.Path;
        if (method == RequestMethod.Get || method == RequestMethod.Head)
        {
            // An entity is addressed as table(PartitionKey='...',RowKey='...'); a query as table() with $filter.
            return path.Contains("PartitionKey=", StringComparison.Ordinal) ? "read" : "query";
        }

        return path.EndsWith("/Tables", StringComparison.Ordinal) || path.Contains("/Tables(", StringComparison.Ordinal) ? "table" : "write";
    }

    private sealed class Policy(TableStorageMetrics metrics, string client) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                metrics.Record(message, client, start);
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                metrics.Record(message, client, start);
            }
        }
    }
}

using System.Diagnostics;
using System.Net;

namespace TppGate.LoadTest;

/// <summary>What every request of a target carries, and what counts as a good answer.</summary>
internal sealed record RequestShape(Uri Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, bool ExpectAllow)
{
    private static ReadOnlySpan<byte> AllowMarker => "\"decision\":\"allow\""u8;

    public HttpRequestMessage Create()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Uri);
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>Null when the answer is the expected one, else a short error label.</summary>
    public string? Check(HttpStatusCode status, ReadOnlySpan<byte> body)
    {
        if (status != HttpStatusCode.OK)
        {
            return "HTTP " + (int)status;
        }

        return ExpectAllow && body.IndexOf(AllowMarker) < 0 ? "200 without allow" : null;
    }
}

/// <summary>One phase's outcome: latencies of good answers (Stopwatch ticks), error counts, wall time.</summary>
internal sealed record PhaseResult(long[] Latencies, IReadOnlyDictionary<string, long> Errors, TimeSpan Elapsed)
{
    public long Good => Latencies.LongLength;

    public long ErrorCount => Errors.Values.Sum();
}

/// <summary>
/// The closed loop: <c>workers</c> tasks, each sending a request and waiting for its answer before the next, on
/// one shared keep-alive client (so HTTP/1.1 holds one connection per worker; HTTP/2 multiplexes them).
/// </summary>
internal static class ClosedLoop
{
    public static async Task<PhaseResult> RunAsync(HttpClient client, RequestShape shape, int workers, TimeSpan duration, long maxRequests, CancellationToken cancellationToken = default)
    {
        var budget = maxRequests > 0 ? maxRequests : long.MaxValue;
        long issued = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task<(List<long> Latencies, Dictionary<string, long> Errors)>[workers];
        for (var w = 0; w < workers; w++)
        {
            tasks[w] = Task.Run(() => WorkerAsync(client, shape, deadline, () => Interlocked.Increment(ref issued) <= budget, cancellationToken), cancellationToken);
        }

        var results = await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var latencies = results.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(latencies);
        var errors = results.SelectMany(r => r.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value), StringComparer.Ordinal);
        return new PhaseResult(latencies, errors, elapsed);
    }

    private static async Task<(List<long> Latencies, Dictionary<string, long> Errors)> WorkerAsync(HttpClient client, RequestShape shape, long deadline, Func<bool> mayIssue, CancellationToken cancellationToken)
    {
        // Small to start, grown as needed: 64 Ki longs per worker put 16 MiB on the large-object heap at every phase
        // start with 32 workers, and the gen-2 collections that follow fell inside the measured phase.
        var latencies = new List<long>(capacity: 1024);
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        while (Stopwatch.GetTimestamp() < deadline && mayIssue())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var begin = Stopwatch.GetTimestamp();
            string? error;
            try
            {
                using var request = shape.Create();
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                error = shape.Check(response.StatusCode, body);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                error = ex.GetType().Name + ": " + (ex.InnerException?.Message ?? ex.Message);
            }

            var end = Stopwatch.GetTimestamp();
            if (error is null)
            {
                latencies.Add(end - begin);
            }
            else
            {
                errors[error] = errors.GetValueOrDefault(error) + 1;
            }
        }

        return (latencies, errors);
    }
}

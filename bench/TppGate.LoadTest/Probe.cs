using System.Diagnostics;

namespace TppGate.LoadTest;

/// <summary>Times from a server process's start to its first answer and to its first good answer.</summary>
internal sealed record StartupSample(TimeSpan FirstAnswer, TimeSpan FirstGood, int Refused, int NotYetGood);

/// <summary>Polls a starting server with the real request until it answers as expected.</summary>
internal static class Probe
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    public static async Task<StartupSample> UntilGoodAsync(ServerProcess server, HttpClient client, RequestShape shape, TimeSpan timeout, bool anyAnswer = false, CancellationToken cancellationToken = default)
    {
        TimeSpan? firstAnswer = null;
        var refused = 0;
        var notYet = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (server.HasExited)
            {
                throw new InvalidOperationException($"{server.Name} exited while starting:{Environment.NewLine}{server.RecentOutput()}");
            }

            try
            {
                using var request = shape.Create();
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var now = Stopwatch.GetElapsedTime(server.StartedAt);
                firstAnswer ??= now;
                if (anyAnswer || shape.Check(response.StatusCode, body) is null)
                {
                    return new StartupSample(firstAnswer.Value, now, refused, notYet);
                }

                notYet++;
            }
            catch (HttpRequestException)
            {
                refused++;
            }

            if (Stopwatch.GetElapsedTime(server.StartedAt) > timeout)
            {
                throw new TimeoutException($"{server.Name} gave no good answer within {timeout.TotalSeconds} s:{Environment.NewLine}{server.RecentOutput()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}

using System.Net;

namespace TppGate.Azure.TrustedLists;

/// <summary>
/// Downloads one trusted list with a per-try timeout, a size cap enforced while reading, and retries with back-off
/// for timeouts, 408, 429 and 5xx. Failures are values (<see cref="Core.Trust.TrustedLists.TrustedListSource.Unavailable"/>), never exceptions.
/// </summary>
public sealed class TrustedListDownloader(HttpClient http, TrustedListsOptions options)
{
    /// <summary>Fetches <paramref name="uri"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<Core.Trust.TrustedLists.TrustedListSource> GetAsync(Uri uri, string? territory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var name = uri.AbsoluteUri;
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && (options.RequireHttps || uri.Scheme != Uri.UriSchemeHttp)))
        {
            return Core.Trust.TrustedLists.TrustedListSource.Unavailable(name, territory, "not an https location");
        }

        var error = "not tried";
        for (var attempt = 0; attempt <= options.DownloadRetries; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(4, attempt - 1)), cancellationToken);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.DownloadTimeout);
            try
            {
                using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    error = $"HTTP {(int)response.StatusCode}";
                    if (response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
                    {
                        continue;
                    }

                    break;
                }

                if (response.Content.Headers.ContentLength > options.MaxListBytes)
                {
                    error = $"{response.Content.Headers.ContentLength} bytes, more than {options.MaxListBytes}";
                    break;
                }

                var bytes = await ReadCappedAsync(response.Content, options.MaxListBytes, timeout.Token);
                if (bytes is null)
                {
                    error = $"more than {options.MaxListBytes} bytes";
                    break;
                }

                return Core.Trust.TrustedLists.TrustedListSource.Of(name, bytes, territory);
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"timed out after {options.DownloadTimeout}";
            }
        }

        return Core.Trust.TrustedLists.TrustedListSource.Unavailable(name, territory, $"download failed: {error}");
    }

    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}

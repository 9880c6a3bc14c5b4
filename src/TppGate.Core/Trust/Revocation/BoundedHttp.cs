namespace TppGate.Core.Trust.Revocation;

/// <summary>
/// What the CRL and OCSP downloaders share: a client that never follows a redirect (a redirect could aim the fetch
/// at another host) and a body read that stops at a size cap, whatever Content-Length claims.
/// </summary>
internal static class BoundedHttp
{
    /// <summary>A client with its own connection pool, no redirects, no timeout of its own (callers cancel).</summary>
    public static HttpClient CreateClient(TimeSpan connectTimeout, long maxBytes) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = maxBytes,
    };

    /// <summary>The body of a successful answer, or null when it failed or is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

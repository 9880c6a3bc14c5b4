using System.Net.Http.Headers;

namespace TppGate.Core.Trust.Revocation.Ocsp;

/// <summary>
/// Asks OCSP responders over http or https (RFC 6960 appendix A.1, POST <c>application/ocsp-request</c>): no
/// redirects at all (a redirect could aim the request at another host, decision 0017), a timeout of
/// <see cref="ChainValidationOptions.RevocationTimeout"/> for the whole exchange, and at most
/// <see cref="MaxResponseBytes"/> of response.
/// </summary>
public sealed class HttpOcspDownloader : IOcspDownloader, IDisposable
{
    /// <summary>The largest response read: a single-certificate response with a responder certificate is a few kilobytes.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    private static readonly MediaTypeHeaderValue RequestType = new("application/ocsp-request");

    private readonly HttpClient _client;
    private readonly ChainValidationOptions _options;

    /// <summary>Creates a downloader with its own connection pool.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public HttpOcspDownloader(ChainValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _client = BoundedHttp.CreateClient(options.RevocationTimeout, MaxResponseBytes);
    }

    /// <inheritdoc />
    public async Task<byte[]?> PostAsync(Uri url, byte[] request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(request);
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RevocationTimeout);
        try
        {
            using var content = new ByteArrayContent(request);
            content.Headers.ContentType = RequestType;
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            message.Headers.Accept.ParseAdd("application/ocsp-response");
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return await BoundedHttp.ReadBodyAsync(response, MaxResponseBytes, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

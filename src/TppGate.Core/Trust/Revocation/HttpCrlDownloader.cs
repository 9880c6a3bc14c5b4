namespace TppGate.Core.Trust.Revocation;

/// <summary>
/// Downloads CRLs over http or https: no redirects (a redirect could aim the fetch elsewhere), a timeout of
/// <see cref="ChainValidationOptions.RevocationTimeout"/> and at most <see cref="ChainValidationOptions.MaxCrlBytes"/>.
/// </summary>
public sealed class HttpCrlDownloader : ICrlDownloader, IDisposable
{
    private readonly HttpClient _client;
    private readonly ChainValidationOptions _options;

    /// <summary>Creates a downloader with its own connection pool.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public HttpCrlDownloader(ChainValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _client = BoundedHttp.CreateClient(options.RevocationTimeout, options.MaxCrlBytes);
    }

    /// <inheritdoc />
    public async Task<byte[]?> DownloadAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RevocationTimeout);
        try
        {
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return await BoundedHttp.ReadBodyAsync(response, _options.MaxCrlBytes, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

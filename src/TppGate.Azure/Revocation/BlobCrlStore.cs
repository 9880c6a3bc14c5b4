using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Trust.Revocation;

namespace TppGate.Azure.Revocation;

/// <summary>
/// <see cref="ICrlStore"/> on Azure Blob Storage (decision 0016): one blob per CRL distribution point URL, named by
/// the URL's SHA-256, holding the CRL as fetched, with the URL, the CRL's thisUpdate and the content's SHA-256 in
/// its metadata. Writes are conditional (If-None-Match * for a new blob, If-Match its ETag otherwise) and never
/// replace a stored CRL with an older one, so instances racing, or one served a replayed older CRL, cannot undo a
/// revocation the others see. Every failure (credential, network, timeout, a blob too large) is "nothing stored":
/// logged and answered as a miss, never thrown; each call is bounded by <see cref="BlobCrlStoreOptions.OperationTimeout"/>.
/// Nothing read here is trusted: the CRL cache verifies every CRL against its issuer.
/// </summary>
public sealed partial class BlobCrlStore : ICrlStore
{
    internal const string UrlKey = "url";
    internal const string ThisUpdateKey = "thisupdate";
    internal const string Sha256Key = "sha256";
    private const int MaxWriteAttempts = 4;

    private readonly BlobContainerClient _container;
    private readonly BlobCrlStoreOptions _options;
    private readonly ILogger<BlobCrlStore> _logger;
    private readonly Lock _createLock = new();
    private Task? _created;

    /// <summary>Creates the store over a client of its container (give it <see cref="CreateClientOptions"/>).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public BlobCrlStore(BlobContainerClient container, IOptions<BlobCrlStoreOptions> options, ILogger<BlobCrlStore> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _container = container;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Client options with the store's per-try timeout, retries and delay.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static BlobClientOptions CreateClientOptions(BlobCrlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new BlobClientOptions();
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.NetworkTimeout = options.NetworkTimeout;
        client.Retry.Delay = options.RetryDelay;
        client.Retry.MaxDelay = options.RetryDelay * 4;
        client.Retry.Mode = RetryMode.Fixed;
        return client;
    }

    /// <summary>The blob name of a distribution point URL: the lowercase hex SHA-256 of its UTF-8, and ".crl".</summary>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is null.</exception>
    public static string BlobNameOf(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url))) + ".crl";
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var bound = Bound(_options.OperationTimeout, cancellationToken);
        try
        {
            var response = await _container.GetBlobClient(BlobNameOf(url)).DownloadStreamingAsync(cancellationToken: bound.Token);
            using var result = response.Value;
            if (!(result.Details.Metadata.TryGetValue(UrlKey, out var stored) && string.Equals(Uri.UnescapeDataString(stored), url, StringComparison.Ordinal)))
            {
                LogRefused(_logger, url, "its metadata names another URL");
                return null;
            }

            if (result.Details.ContentLength > _options.MaxCrlBytes)
            {
                LogRefused(_logger, url, $"it holds {result.Details.ContentLength} bytes, more than CrlStore:MaxCrlBytes ({_options.MaxCrlBytes})");
                return null;
            }

            return await ReadCappedAsync(result.Content, url, bound.Token);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            LogUnavailable(_logger, "read", url, (ex as RequestFailedException)?.Status ?? 0, ex);
            return null;
        }
    }

    /// <inheritdoc />
    public async Task PutAsync(string url, byte[] crl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(crl);
        if (crl.Length > _options.MaxCrlBytes)
        {
            LogNotStored(_logger, url, $"it is {crl.Length} bytes, more than CrlStore:MaxCrlBytes ({_options.MaxCrlBytes})");
            return;
        }

        if (RevocationList.ReadThisUpdate(crl) is not { } thisUpdate)
        {
            LogNotStored(_logger, url, "it is not a CRL (no thisUpdate)");
            return;
        }

        using var bound = Bound(_options.OperationTimeout, cancellationToken);
        var blob = _container.GetBlobClient(BlobNameOf(url));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(crl));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [UrlKey] = Uri.EscapeDataString(url),
            [ThisUpdateKey] = thisUpdate.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            [Sha256Key] = sha256,
        };
        try
        {
            for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
            {
                var current = await ReadStateAsync(blob, bound.Token);
                if (current is { } stored)
                {
                    if (stored.ThisUpdate > thisUpdate)
                    {
                        LogKeptNewer(_logger, url, stored.ThisUpdate, thisUpdate);
                        return;
                    }

                    if (string.Equals(stored.Sha256, sha256, StringComparison.Ordinal))
                    {
                        return;
                    }
                }

                var conditions = current is { } c ? new BlobRequestConditions { IfMatch = c.ETag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
                try
                {
                    await blob.UploadAsync(BinaryData.FromBytes(crl), Upload(metadata, conditions), bound.Token);
                    return;
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412 && ex.ErrorCode != BlobErrorCode.ContainerNotFound)
                {
                    // Another writer got there first: read again and compare with what it wrote.
                }
                catch (RequestFailedException ex) when (ex.Status == 404 && _options.CreateContainerIfNotExists)
                {
                    await EnsureContainerAsync(bound.Token);
                }
            }

            LogNotStored(_logger, url, "other writers kept changing it");
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            LogUnavailable(_logger, "write", url, (ex as RequestFailedException)?.Status ?? 0, ex);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetUrlsAsync(CancellationToken cancellationToken = default)
    {
        var urls = new List<string>();
        using var bound = Bound(_options.ListTimeout, cancellationToken);
        try
        {
            await foreach (var item in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, bound.Token))
            {
                // Only blobs whose name is the hash of the URL they name: anything else in the container is not ours.
                if (item.Metadata is { } metadata && metadata.TryGetValue(UrlKey, out var escaped)
                    && Uri.UnescapeDataString(escaped) is var url && string.Equals(BlobNameOf(url), item.Name, StringComparison.Ordinal))
                {
                    urls.Add(url);
                    if (urls.Count >= _options.MaxListed)
                    {
                        break;
                    }
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            LogUnavailable(_logger, "list", _container.Name, (ex as RequestFailedException)?.Status ?? 0, ex);
            return [];
        }

        return urls;
    }

    private BlobUploadOptions Upload(Dictionary<string, string> metadata, BlobRequestConditions conditions) => new()
    {
        Metadata = metadata,
        Conditions = conditions,
        HttpHeaders = new BlobHttpHeaders { ContentType = "application/pkix-crl" },

        // One Put Blob, so the condition covers the whole write.
        TransferOptions = new global::Azure.Storage.StorageTransferOptions { InitialTransferSize = _options.MaxCrlBytes, MaximumTransferSize = _options.MaxCrlBytes },
    };

    private static async Task<StoredState?> ReadStateAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            var thisUpdate = properties.Metadata.TryGetValue(ThisUpdateKey, out var text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : DateTimeOffset.MinValue;
            return new StoredState(properties.ETag, thisUpdate, properties.Metadata.TryGetValue(Sha256Key, out var sha) ? sha : null);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task<byte[]?> ReadCappedAsync(Stream content, string url, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _options.MaxCrlBytes)
            {
                LogRefused(_logger, url, $"it holds more than CrlStore:MaxCrlBytes ({_options.MaxCrlBytes})");
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        lock (_createLock)
        {
            // A failed attempt is forgotten, so that the next write tries again once storage is back.
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }

            return _created;
        }
    }

    private static CancellationTokenSource Bound(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        return bound;
    }

    // The caller's own cancellation propagates; everything else (including this store's time bound) is a miss.
    private static bool IsDependencyFailure(Exception ex, CancellationToken cancellationToken)
        => ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private readonly record struct StoredState(ETag ETag, DateTimeOffset ThisUpdate, string? Sha256);

    [LoggerMessage(EventId = 3100, EventName = "CrlStoreUnavailable", Level = LogLevel.Warning, Message = "CRL store {Operation} of {Target} failed (status {Status}); answered as nothing stored")]
    private static partial void LogUnavailable(ILogger logger, string operation, string target, int status, Exception exception);

    [LoggerMessage(EventId = 3101, EventName = "CrlStoreRefused", Level = LogLevel.Warning, Message = "Stored CRL for {Url} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 3102, EventName = "CrlNotStored", Level = LogLevel.Warning, Message = "CRL for {Url} not stored: {Reason}")]
    private static partial void LogNotStored(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 3103, EventName = "CrlStoreKeptNewer", Level = LogLevel.Information, Message = "CRL for {Url} not stored: the store holds a newer one (thisUpdate {Stored:O}, offered {Offered:O})")]
    private static partial void LogKeptNewer(ILogger logger, string url, DateTimeOffset stored, DateTimeOffset offered);
}

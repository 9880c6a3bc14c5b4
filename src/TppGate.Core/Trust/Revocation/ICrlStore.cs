namespace TppGate.Core.Trust.Revocation;

/// <summary>
/// Where CRLs are fetched from: the network in production (<see cref="HttpCrlDownloader"/>), loopback in tests.
/// </summary>
public interface ICrlDownloader
{
    /// <summary>The body at <paramref name="url"/>, or null when it could not be fetched within the bounds.</summary>
    Task<byte[]?> DownloadAsync(Uri url, CancellationToken cancellationToken = default);
}

/// <summary>
/// A store that instances and restarts share, holding the last CRL fetched per distribution point URL
/// (decision 0016; on Azure, TppGate.Azure's BlobCrlStore). What it returns is verified against the issuer like a
/// download: the store is a cache, not a source of trust. Without one, each instance keeps its own memory cache and
/// fetches on its own. Implementations report their own dependency failures as "nothing stored" (null, or a
/// completed write that kept nothing) rather than throwing: a cache that is down is a cache miss. A write never
/// replaces a stored CRL with an older one (an earlier thisUpdate), so a replayed older CRL that one instance
/// was served cannot undo a revocation for the others.
/// </summary>
public interface ICrlStore
{
    /// <summary>The CRL last stored for <paramref name="url"/>, or null.</summary>
    Task<byte[]?> GetAsync(string url, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="crl"/> for <paramref name="url"/>, replacing what was there unless that is newer
    /// (a later thisUpdate, read with <see cref="RevocationList.ReadThisUpdate"/>).
    /// </summary>
    Task PutAsync(string url, byte[] crl, CancellationToken cancellationToken = default);

    /// <summary>Every URL that has a stored CRL, so a new instance refreshes them from the start.</summary>
    Task<IReadOnlyList<string>> GetUrlsAsync(CancellationToken cancellationToken = default);
}

/// <summary>An <see cref="ICrlStore"/> in memory: for one process, tests and the local run.</summary>
public sealed class InMemoryCrlStore : ICrlStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _crls = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<byte[]?> GetAsync(string url, CancellationToken cancellationToken = default)
        => Task.FromResult(_crls.TryGetValue(url, out var crl) ? crl : null);

    /// <inheritdoc />
    public Task PutAsync(string url, byte[] crl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crl);
        if (RevocationList.ReadThisUpdate(crl) is not { } offered)
        {
            return Task.CompletedTask;
        }

        _crls.AddOrUpdate(url, crl, (_, stored) => RevocationList.ReadThisUpdate(stored) is { } current && current > offered ? stored : crl);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetUrlsAsync(CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<string>>([.. _crls.Keys]);
}

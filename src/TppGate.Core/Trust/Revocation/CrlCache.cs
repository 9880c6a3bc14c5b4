using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Trust.Revocation;

/// <summary>
/// QTSP revocation without a responder on the hot path (decision 0009): CRLs per distribution point URL, each
/// verified against the issuer that signed it, kept in memory and refreshed in the background; a check is a
/// hash look-up of the serial. A URL not cached yet is fetched once (single flight, bounded by
/// <see cref="ChainValidationOptions.RevocationTimeout"/>), and only for a certificate whose chain already
/// validated, so a presented certificate cannot aim a fetch anywhere before it chains to an anchor.
/// </summary>
public sealed class CrlCache
{
    // After a failed fetch, requests answer "unknown" at once instead of each trying again.
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry?>>> _inflight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _failedAt = new(StringComparer.Ordinal);
    private readonly ChainValidationOptions _options;
    private readonly TimeProvider _time;
    private readonly ICrlDownloader _downloader;
    private readonly ICrlStore? _store;
    private long _generation;

    /// <summary>Creates an empty cache.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="time"/> or <paramref name="downloader"/> is null.</exception>
    public CrlCache(ChainValidationOptions options, TimeProvider time, ICrlDownloader downloader, ICrlStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(downloader);
        _options = options;
        _time = time;
        _downloader = downloader;
        _store = store;
    }

    /// <summary>Changes whenever a cached CRL is replaced: verdicts reached before must be reached again.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>How many CRLs are cached.</summary>
    public int Count => _entries.Count;

    /// <summary>How long ago the oldest cached CRL was issued (its thisUpdate), or null when none is cached.</summary>
    public TimeSpan? OldestAge
    {
        get
        {
            DateTimeOffset? oldest = null;
            foreach (var (_, entry) in _entries)
            {
                if (oldest is null || entry.List.ThisUpdate < oldest)
                {
                    oldest = entry.List.ThisUpdate;
                }
            }

            return oldest is { } at ? _time.GetUtcNow() - at : null;
        }
    }

    /// <summary>
    /// The revocation state of <paramref name="certificate"/>, issued by <paramref name="issuer"/> (its validated
    /// chain's next element). May wait up to the revocation timeout for one fetch when
    /// <paramref name="allowFetch"/> and the CRL is missing or stale.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public RevocationStatus Check(X509Certificate2 certificate, X509Certificate2 issuer, bool allowFetch)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        var urls = CrlDistributionPoints.Of(certificate.RawDataMemory);
        if (urls.Count == 0)
        {
            return new(RevocationState.NoSource, CrlDistributionPoints.HasOcsp(certificate.RawDataMemory)
                ? "the certificate names an OCSP responder but no http(s) CRL distribution point (OCSP answers it: OcspCache, decision 0017)"
                : "the certificate names no CRL distribution point");
        }

        var issuerKey = RevocationList.KeyOf(issuer);
        var serial = SerialOf(certificate);
        string? problem = null;
        foreach (var url in urls)
        {
            var key = url.AbsoluteUri;
            var entry = _entries.TryGetValue(key, out var cached) && cached.List.IssuerKey.AsSpan().SequenceEqual(issuerKey) ? cached : null;
            if ((entry is null || IsStale(entry.List)) && allowFetch
                && WaitForFetch(url, issuer) is { } fetched && fetched.List.IssuerKey.AsSpan().SequenceEqual(issuerKey))
            {
                entry = fetched;
            }

            if (entry is null)
            {
                problem = $"the CRL at {key} has {(allowFetch ? "not been fetched (unreachable, too large, or refused)" : "never been fetched")}";
                continue;
            }

            if (IsStale(entry.List))
            {
                problem = $"the CRL at {key} is stale: nextUpdate {entry.List.NextUpdate:O} plus grace {_options.CrlGrace} has passed";
                continue;
            }

            return entry.List.IsRevoked(serial)
                ? new(RevocationState.Revoked, $"serial {Convert.ToHexString(serial)} is listed on the CRL at {key}")
                : new(RevocationState.Good, null, UsableUntil(entry.List));
        }

        return new(RevocationState.Unknown, problem);
    }

    /// <summary>
    /// Fetches again every CRL the cache or the shared store knows, verifying each against the issuer it was
    /// verified with before (store entries: against <paramref name="issuers"/>, by name and signature). A CRL
    /// that fails keeps the last good one until it goes stale. Returns what went wrong, per URL, for the log.
    /// </summary>
    public async Task<IReadOnlyList<string>> RefreshAsync(IEnumerable<X509Certificate2> issuers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issuers);
        var problems = new List<string>();
        var known = _entries.ToArray();
        foreach (var (url, entry) in known)
        {
            var fresh = await FetchAsync(new Uri(url), entry.Issuer, cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                problems.Add(IsStale(entry.List) ? $"{url}: refresh failed and the cached CRL is stale" : $"{url}: refresh failed; the cached CRL is still current");
            }
        }

        if (_store is not null)
        {
            var candidates = issuers.ToArray();
            foreach (var url in await _store.GetUrlsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_entries.ContainsKey(url) || await _store.GetAsync(url, cancellationToken).ConfigureAwait(false) is not { } stored)
                {
                    continue;
                }

                var loaded = candidates.Select(c => (Issuer: c, List: RevocationList.TryLoad(stored, c, out _))).FirstOrDefault(x => x.List is not null);
                if (loaded.List is not null)
                {
                    Offer(url, new Entry(loaded.List, Copy(loaded.Issuer)));
                }
            }
        }

        foreach (var (url, entry) in _entries)
        {
            if (IsStale(entry.List))
            {
                problems.Add($"{url}: stale since {entry.List.NextUpdate:O}");
            }
        }

        return problems;
    }

    /// <summary>
    /// Makes sure a current CRL of each of <paramref name="certificate"/>'s distribution points, verified against
    /// <paramref name="issuer"/>, is cached (from the shared store, or fetched and then stored), and answers its
    /// state. For the refresher: the CAs of the anchor set, whose CRLs are kept from the start rather than fetched on
    /// a request. The caller vouches for both certificates (the anchor set names them).
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public async Task<RevocationStatus> PrimeAsync(X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        var issuerKey = RevocationList.KeyOf(issuer);
        foreach (var url in CrlDistributionPoints.Of(certificate.RawDataMemory))
        {
            if (!(_entries.TryGetValue(url.AbsoluteUri, out var cached) && cached.List.IssuerKey.AsSpan().SequenceEqual(issuerKey) && !IsStale(cached.List)))
            {
                await FetchAsync(url, Copy(issuer), cancellationToken).ConfigureAwait(false);
            }
        }

        return Check(certificate, issuer, allowFetch: false);
    }

    private Entry? WaitForFetch(Uri url, X509Certificate2 issuer)
    {
        var key = url.AbsoluteUri;
        if (_failedAt.TryGetValue(key, out var failed) && _time.GetUtcNow() - failed < RetryAfterFailure)
        {
            return null;
        }

        // The request does not wait for the shared store's write: the entry is cached here before it is stored.
        var flight = _inflight.GetOrAdd(key, _ => new Lazy<Task<Entry?>>(() => Task.Run(() => FetchAsync(url, Copy(issuer), CancellationToken.None, awaitStore: false))));
        try
        {
            // Bounded: the fetch has its own timeout, and a waiting request never waits past it.
            return flight.Value.Wait(_options.RevocationTimeout) ? flight.Value.Result : null;
        }
        catch (AggregateException)
        {
            // The downloader and the store report failures as null; anything else still leaves the state unknown (503).
            _failedAt[key] = _time.GetUtcNow();
            return null;
        }
        finally
        {
            if (flight.Value.IsCompleted)
            {
                _inflight.TryRemove(KeyValuePair.Create(key, flight));
            }
        }
    }

    private async Task<Entry?> FetchAsync(Uri url, X509Certificate2 issuer, CancellationToken cancellationToken, bool awaitStore = true)
    {
        var key = url.AbsoluteUri;
        try
        {
            if (_store is not null && await _store.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } stored
                && RevocationList.TryLoad(stored, issuer, out _) is { } shared && !IsStale(shared)
                && !(_entries.TryGetValue(key, out var current) && current.List.ThisUpdate >= shared.ThisUpdate))
            {
                return Offer(key, new Entry(shared, issuer));
            }

            var body = await _downloader.DownloadAsync(url, cancellationToken).ConfigureAwait(false);
            var list = body is null ? null : RevocationList.TryLoad(body, issuer, out _);
            if (list is null || list.ThisUpdate > _time.GetUtcNow() + _options.ClockSkew)
            {
                _failedAt[key] = _time.GetUtcNow();
                return null;
            }

            var accepted = Offer(key, new Entry(list, issuer));
            if (_store is not null && ReferenceEquals(accepted.List, list))
            {
                var write = StoreQuietlyAsync(_store, key, list.Encoded, cancellationToken);
                if (awaitStore)
                {
                    await write.ConfigureAwait(false);
                }
            }

            _failedAt.TryRemove(key, out _);
            return accepted;
        }
        finally
        {
            _inflight.TryRemove(key, out _);
        }
    }

    // The store reports its own failures as "nothing stored" (ICrlStore); whatever it throws all the same is a
    // write that kept nothing, never a failed fetch: the CRL is already cached here.
    private static async Task StoreQuietlyAsync(ICrlStore store, string url, byte[] crl, CancellationToken cancellationToken)
    {
        try
        {
            await store.PutAsync(url, crl, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Keeps the newer of the cached and the offered CRL, so a replayed older CRL cannot undo a revocation.
    private Entry Offer(string url, Entry offered)
    {
        while (true)
        {
            if (!_entries.TryGetValue(url, out var current))
            {
                if (_entries.TryAdd(url, offered))
                {
                    Interlocked.Increment(ref _generation);
                    return offered;
                }

                continue;
            }

            if (current.List.ThisUpdate > offered.List.ThisUpdate || (current.List.ThisUpdate == offered.List.ThisUpdate && current.List.IssuerKey.AsSpan().SequenceEqual(offered.List.IssuerKey)))
            {
                return current;
            }

            if (_entries.TryUpdate(url, offered, current))
            {
                Interlocked.Increment(ref _generation);
                return offered;
            }
        }
    }

    private bool IsStale(RevocationList list) => _time.GetUtcNow() > UsableUntil(list);

    // A CRL without nextUpdate promises nothing about freshness: treat it as valid for one grace period.
    private DateTimeOffset UsableUntil(RevocationList list) => (list.NextUpdate ?? list.ThisUpdate) + _options.CrlGrace;

    private static byte[] SerialOf(X509Certificate2 certificate)
    {
        var tbs = new AsnReader(certificate.RawDataMemory, AsnEncodingRules.BER).ReadSequence().ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            tbs.ReadEncodedValue();
        }

        return tbs.ReadIntegerBytes().ToArray();
    }

    private static X509Certificate2 Copy(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    private sealed record Entry(RevocationList List, X509Certificate2 Issuer);
}

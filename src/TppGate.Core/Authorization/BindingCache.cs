using System.Collections.Concurrent;
using TppGate.Core.Bindings;

namespace TppGate.Core.Authorization;

/// <summary>
/// Bindings by certificate SHA-256 (absent bindings too), used only while the change feed is fresh: when no
/// feed read has succeeded within the propagation bound, every look-up misses and goes to storage, so a
/// revocation elsewhere can never be outlived by a cached allow.
/// </summary>
/// <remarks>
/// A certificate with a change announced in the feed whose write has not been seen to land is <em>pending</em>:
/// it is never cached until <see cref="Resolve(string)"/>, so a write that lands late (or never) cannot leave a stale
/// value behind. <see cref="Clear"/> drops everything when the feed cannot prove it was read without a gap.
/// See docs/decisions/0010-write-protocol-and-change-feed.md.
/// </remarks>
public sealed class BindingCache
{
    private readonly TwoGenerationCache<string, Entry> _entries;
    private readonly ConcurrentDictionary<string, AnnouncedState> _pending = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _bound;
    private long _epoch;
    private int _pendingCount;
    private long _lastFeedReadTicks = long.MinValue;
    private LookupCounts _lookups;

    /// <summary>Creates a cache of at most <see cref="AuthorizerOptions.BindingCacheSize"/> entries.</summary>
    public BindingCache(AuthorizerOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _entries = new TwoGenerationCache<string, Entry>(options.BindingCacheSize);
        _time = time;
        _bound = options.PropagationBound;
    }

    /// <summary>How many bindings (or known absences) are cached.</summary>
    public int Count => _entries.Count;

    /// <summary>When the change feed was last read successfully, or null if never.</summary>
    public DateTimeOffset? LastFeedRead
    {
        get
        {
            var ticks = Volatile.Read(ref _lastFeedReadTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>True when the change feed was read within the propagation bound, so cached entries may be used.</summary>
    public bool IsFresh => LastFeedRead is { } at && _time.GetUtcNow() - at <= _bound;

    /// <summary>Look-ups answered from the cache since start (for the hit-ratio metric; one interlocked add per look-up, no lock).</summary>
    public long Hits => _lookups.Hits;

    /// <summary>Look-ups that went to storage since start: not cached, pending, or the change feed not fresh.</summary>
    public long Misses => _lookups.Misses;

    /// <summary>A token to pass to <see cref="Store"/>: a store is dropped if anything was invalidated since.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>The certificates with an announced change not yet seen to land, and the state announced (merged).</summary>
    public IReadOnlyCollection<KeyValuePair<string, AnnouncedState>> Pending => [.. _pending];

    /// <summary>Looks up a certificate; <paramref name="binding"/> is null for a cached "not bound".</summary>
    public bool TryGet(string sha256, out CertificateBinding? binding)
    {
        binding = null;
        if (!IsFresh || (Volatile.Read(ref _pendingCount) > 0 && _pending.ContainsKey(sha256)) || !_entries.TryGet(sha256, out var entry))
        {
            _lookups.Miss();
            return false;
        }

        _lookups.Hit();
        binding = entry.Binding;
        return true;
    }

    /// <summary>
    /// Caches what storage said, unless an invalidation happened after <paramref name="epoch"/> was taken or
    /// the certificate is pending.
    /// </summary>
    public void Store(string sha256, CertificateBinding? binding, long epoch)
    {
        // Under the lock that invalidations take, so that a value read before a change can never be set after
        // the invalidation that announced it (not even for an instant a lock-free TryGet could see).
        lock (_writeLock)
        {
            if (Epoch == epoch && !_pending.ContainsKey(sha256))
            {
                _entries.Set(sha256, new Entry(binding));
            }
        }
    }

    /// <summary>Forgets a certificate's binding (a change was seen).</summary>
    public void Invalidate(string sha256)
    {
        lock (_writeLock)
        {
            InvalidateLocked(sha256);
        }
    }

    /// <summary>
    /// Marks a certificate as changing (an entry of the feed announced <paramref name="kind"/>): it is not cached
    /// until <see cref="Resolve(string)"/>. A revocation outranks a registration announced for the same certificate.
    /// </summary>
    public void MarkPending(string sha256, BindingChangeKind kind) => MarkPending(sha256, new AnnouncedState(kind, 0));

    /// <summary>
    /// Marks a certificate as changing until storage shows <paramref name="announced"/>: it is not cached until
    /// <see cref="Resolve(string)"/>. A second announcement for the same certificate merges with the first
    /// (<see cref="AnnouncedState.Merge"/>: a revocation outranks the rest, the higher update version wins).
    /// </summary>
    public void MarkPending(string sha256, AnnouncedState announced)
    {
        // Pending first, then the epoch: a read that started before this is dropped by the epoch, one that
        // started after it by the pending check in Store.
        lock (_writeLock)
        {
            if (_pending.TryGetValue(sha256, out var earlier))
            {
                _pending[sha256] = earlier.Merge(announced);
            }
            else if (_pending.TryAdd(sha256, announced))
            {
                Interlocked.Increment(ref _pendingCount);
            }

            InvalidateLocked(sha256);
        }
    }

    /// <summary>Ends a certificate's pending state: storage was seen to hold the announced state.</summary>
    public void Resolve(string sha256)
    {
        lock (_writeLock)
        {
            if (_pending.TryRemove(sha256, out _))
            {
                Interlocked.Decrement(ref _pendingCount);
            }

            // A read taken while pending may predate the write that resolved it.
            InvalidateLocked(sha256);
        }
    }

    /// <summary>
    /// Ends a certificate's pending state if it still waits for <paramref name="checkedState"/>, the state a read
    /// of storage was found to resolve: an announcement merged in since that read keeps it pending.
    /// </summary>
    public void Resolve(string sha256, AnnouncedState checkedState)
    {
        lock (_writeLock)
        {
            if (_pending.TryRemove(new KeyValuePair<string, AnnouncedState>(sha256, checkedState)))
            {
                Interlocked.Decrement(ref _pendingCount);
            }

            // A read taken while pending may predate the write that resolved it.
            InvalidateLocked(sha256);
        }
    }

    /// <summary>Drops every cached binding (pending certificates stay pending).</summary>
    public void Clear()
    {
        lock (_writeLock)
        {
            Interlocked.Increment(ref _epoch);
            _entries.Clear();
        }
    }

    /// <summary>Records a successful change-feed read made at <paramref name="at"/>.</summary>
    public void MarkFeedRead(DateTimeOffset at) => Interlocked.Exchange(ref _lastFeedReadTicks, at.UtcTicks);

    private void InvalidateLocked(string sha256)
    {
        Interlocked.Increment(ref _epoch);
        _entries.Remove(sha256);
    }

    private sealed record Entry(CertificateBinding? Binding);
}

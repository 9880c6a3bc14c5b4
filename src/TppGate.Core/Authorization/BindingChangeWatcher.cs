using TppGate.Core.Bindings;

namespace TppGate.Core.Authorization;

/// <summary>
/// Reads the binding change feed every <see cref="AuthorizerOptions.ChangePollInterval"/> from the position it
/// reached last time, so a registration or revocation on any instance takes effect here within the propagation
/// bound without a storage read per request. Hosts run <see cref="RunAsync"/> in the background.
/// </summary>
/// <remarks>
/// Each entry marks its certificate pending in the <see cref="BindingCache"/>; a pending certificate is read
/// from storage on every request until a read shows the announced state. A read that cannot prove it saw every
/// entry since the last one (the first read, or entries removed before they were read) clears the cache.
/// See docs/decisions/0010-write-protocol-and-change-feed.md.
/// </remarks>
public sealed class BindingChangeWatcher(IBindingStore store, BindingCache cache, AuthorizerOptions options, TimeProvider time)
{
    private const int ParallelChecks = 8;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private long _position = -1;

    /// <summary>The last failure, for health and logs; null after a successful read.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The feed position reached (-1 before the first successful read).</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>Reads the feed until <paramref name="cancellationToken"/> is cancelled. Never throws otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var timer = new PeriodicTimer(options.ChangePollInterval, time);
        do
        {
            await PollOnceAsync(cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>
    /// One read of the feed: marks every announced certificate pending, resolves the pending ones storage now
    /// shows in their announced state, and records the read as fresh. Never throws except for the caller's
    /// own cancellation: any failure is <see cref="LastError"/> and a false result.
    /// </summary>
    /// <returns>True when the read succeeded.</returns>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var startedAt = time.GetUtcNow();
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.ChangePollInterval + options.Deadline);
            var read = await store.ReadChangesAsync(Position, deadline.Token);
            if (!read.Complete)
            {
                // Entries may be missing between what this instance cached and now: trust nothing cached.
                cache.Clear();
            }

            foreach (var change in read.Changes)
            {
                cache.MarkPending(change.Sha256, change.Announced);
            }

            Interlocked.Exchange(ref _position, Math.Max(read.Position, Position));
            await ResolvePendingAsync(deadline.Token);

            // Freshness counts from when the read started: an entry written after that is seen next time.
            cache.MarkFeedRead(startedAt);
            LastError = null;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LastError = ex;
            return false;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task ResolvePendingAsync(CancellationToken cancellationToken)
    {
        var pending = cache.Pending;
        if (pending.Count == 0)
        {
            return;
        }

        await Parallel.ForEachAsync(
            pending,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelChecks, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                try
                {
                    if (entry.Value.IsResolvedBy(await store.GetByCertificateAsync(entry.Key, ct)))
                    {
                        cache.Resolve(entry.Key, entry.Value);
                    }
                }
                catch (BindingStoreUnavailableException)
                {
                    // Stays pending: requests for it keep reading storage, which is always safe.
                }
            });
    }
}

using TppGate.Core.Bindings;

namespace TppGate.Core.Authorization;

/// <summary>
/// Reads the binding change feed every <see cref="AuthorizerOptions.ChangePollInterval"/> and invalidates what
/// changed, so a registration or revocation on any instance takes effect here within the propagation bound
/// without a storage read per request. Hosts run <see cref="RunAsync"/> in the background.
/// </summary>
public sealed class BindingChangeWatcher(IBindingStore store, BindingCache cache, AuthorizerOptions options, TimeProvider time)
{
    // Changes already acted on. The look-back window returns each change for 30 s; invalidating it again on
    // every read would drop a freshly re-read binding once a second and send its requests to storage.
    private readonly Dictionary<BindingChange, DateTimeOffset> _seen = [];

    /// <summary>The last failure, for health and logs; null after a successful read.</summary>
    public Exception? LastError { get; private set; }

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

    /// <summary>One read of the feed: invalidates every certificate changed within the look-back window.</summary>
    /// <returns>True when the read succeeded.</returns>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var startedAt = time.GetUtcNow();
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.ChangePollInterval + options.Deadline);
            var since = startedAt - options.ChangeLookBack;
            var changes = await store.GetChangesSinceAsync(since, deadline.Token);
            lock (_seen)
            {
                foreach (var change in changes)
                {
                    if (_seen.TryAdd(change, startedAt))
                    {
                        cache.Invalidate(change.Sha256);
                    }
                }

                // Forget what can no longer come back, with one more window to spare for writers' clock skew.
                foreach (var old in _seen.Where(e => e.Value < since - options.ChangeLookBack).Select(e => e.Key).ToArray())
                {
                    _seen.Remove(old);
                }
            }

            // Freshness counts from when the read started: a change written after that is seen next time.
            cache.MarkFeedRead(startedAt);
            LastError = null;
            return true;
        }
        catch (Exception ex) when (ex is BindingStoreUnavailableException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LastError = ex;
            return false;
        }
    }
}

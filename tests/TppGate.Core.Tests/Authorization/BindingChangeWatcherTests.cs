using TppGate.Core.Bindings;

namespace TppGate.Core.Tests.Authorization;

public sealed class BindingChangeWatcherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_poll_that_meets_an_unexpected_exception_reports_it_and_does_not_throw()
    {
        var h = new AuthorizerHarness();
        h.Store.Failure = new InvalidOperationException("not a storage failure the store knew to wrap");

        Assert.False(await h.Watcher.PollOnceAsync(Ct));

        Assert.IsType<InvalidOperationException>(h.Watcher.LastError);
        Assert.False(h.Cache.IsFresh);
    }

    [Fact]
    public async Task The_watcher_keeps_running_through_failures_and_is_fresh_again_once_the_store_answers()
    {
        var h = new AuthorizerHarness();
        h.Store.Failure = new InvalidOperationException("credential failure");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = h.Watcher.RunAsync(stop.Token);

        for (var i = 0; i < 5; i++)
        {
            h.Time.Advance(h.Options.ChangePollInterval);
            await Task.Delay(20, Ct);
        }

        Assert.False(run.IsCompleted);
        Assert.False(h.Cache.IsFresh);
        h.Store.Failure = null;
        for (var i = 0; i < 50 && !h.Cache.IsFresh; i++)
        {
            h.Time.Advance(h.Options.ChangePollInterval);
            await Task.Delay(20, Ct);
        }

        Assert.True(h.Cache.IsFresh);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_first_read_clears_bindings_cached_before_it()
    {
        var h = new AuthorizerHarness();
        var qwac = AuthorizerHarness.NewQwac();
        await h.BindAsync("tpp-1", qwac);
        var sha = Core.Certificates.CertificateThumbprints.Of(qwac).Sha256Hex;
        h.Cache.Store(sha, await h.Store.Inner.GetByCertificateAsync(sha, Ct), h.Cache.Epoch);
        Assert.Equal(1, h.Cache.Count);

        Assert.True(await h.Watcher.PollOnceAsync(Ct));

        Assert.Equal(0, h.Cache.Count);
        Assert.Empty(h.Cache.Pending);
        Assert.Equal(1, h.Watcher.Position);
    }

    [Fact]
    public void A_pending_certificate_is_not_cached_until_resolved()
    {
        var h = new AuthorizerHarness();
        h.Cache.MarkFeedRead(h.Time.GetUtcNow());
        var sha = new string('a', 64);

        h.Cache.MarkPending(sha, BindingChangeKind.Revoke);
        h.Cache.Store(sha, null, h.Cache.Epoch);
        Assert.False(h.Cache.TryGet(sha, out _));

        h.Cache.Resolve(sha);
        h.Cache.Store(sha, null, h.Cache.Epoch);
        Assert.True(h.Cache.TryGet(sha, out var binding));
        Assert.Null(binding);
    }
}

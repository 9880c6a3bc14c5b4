using TppGate.Core.Authorization;
using TppGate.Core.Bindings;

namespace TppGate.Azure.Tests.Tables.Faults;

/// <summary>
/// What one authorizer instance keeps about bindings: its cache, its change watcher and its store, looked up
/// the way <see cref="Authorizer"/> does (cache first; on a miss, read storage and cache what was read).
/// </summary>
internal sealed class ReaderInstance
{
    public ReaderInstance(IBindingStore store, AuthorizerOptions? options = null, TimeProvider? time = null)
    {
        Store = store;
        Options = options ?? new AuthorizerOptions();
        Time = time ?? TimeProvider.System;
        Cache = new BindingCache(Options, Time);
        Watcher = new BindingChangeWatcher(store, Cache, Options, Time);
    }

    public IBindingStore Store { get; }

    public AuthorizerOptions Options { get; }

    public TimeProvider Time { get; }

    public BindingCache Cache { get; }

    public BindingChangeWatcher Watcher { get; }

    public Task<bool> PollAsync() => Watcher.PollOnceAsync(TestContext.Current.CancellationToken);

    /// <summary>The binding this instance would decide on.</summary>
    public async Task<CertificateBinding?> LookupAsync(string sha256)
    {
        if (Cache.TryGet(sha256, out var cached))
        {
            return cached;
        }

        var epoch = Cache.Epoch;
        var read = await Store.GetByCertificateAsync(sha256, TestContext.Current.CancellationToken);
        Cache.Store(sha256, read, epoch);
        return read;
    }

    /// <summary>True when this instance would allow the certificate for the client now.</summary>
    public async Task<bool> AllowsAsync(string sha256, string clientId)
        => await LookupAsync(sha256) is { Status: BindingStatus.Active } b && b.ClientId == clientId;
}

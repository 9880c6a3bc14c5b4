using System.Collections.Concurrent;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TppGate.Azure.Tests.Tables.Faults;

/// <summary>What a fault does to a matching request.</summary>
internal enum FaultKind
{
    /// <summary>The request never reaches storage: the try fails with an IOException.</summary>
    Fail,

    /// <summary>Storage applies the request, and its response is lost: the try fails with an IOException.</summary>
    DropResponse,

    /// <summary>The request waits until the fault's gate is opened, then goes on.</summary>
    Hold,
}

/// <summary>One rule: which requests (by method and body), which of them (the Nth on), and what happens.</summary>
internal sealed class Fault(string name, Func<HttpMessage, string, bool> matches, FaultKind kind, int from = 1, int count = 1)
{
    private int _seen;

    public string Name => name;

    public FaultKind Kind => kind;

    /// <summary>Completes when a held request is waiting at the gate.</summary>
    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Open it to let a held request go on.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many requests this rule acted on.</summary>
    public int Fired;

    internal bool Applies(HttpMessage message, string body)
    {
        if (!matches(message, body))
        {
            return false;
        }

        var n = Interlocked.Increment(ref _seen);
        if (n < from || n >= from + count)
        {
            return false;
        }

        Interlocked.Increment(ref Fired);
        return true;
    }
}

/// <summary>
/// An Azure.Core pipeline policy (per try, so the SDK's own retries pass through it) that fails, loses the
/// response of, or holds chosen requests to a real storage endpoint. Only the first matching rule acts.
/// </summary>
internal sealed class StorageFaults : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<Fault> _faults = new();

    /// <summary>Entities returned by queries (rows in response bodies), for read budgets.</summary>
    public int EntitiesRead;

    /// <summary>Requests sent.</summary>
    public int Requests;

    public Fault Add(Fault fault)
    {
        _faults.Enqueue(fault);
        return fault;
    }

    public void Clear() => _faults.Clear();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        => throw new NotSupportedException("The store is asynchronous.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var body = Body(message);
        var fault = _faults.FirstOrDefault(f => f.Applies(message, body));
        if (fault?.Kind == FaultKind.Fail)
        {
            throw new IOException($"Injected fault '{fault.Name}': request not sent.");
        }

        if (fault?.Kind == FaultKind.Hold)
        {
            fault.Held.TrySetResult();
            await fault.Gate.Task.WaitAsync(message.CancellationToken);
        }

        Interlocked.Increment(ref Requests);
        await ProcessNextAsync(message, pipeline);
        if (message.HasResponse && message.Request.Method == RequestMethod.Get)
        {
            var text = message.Response.Content.ToString();
            Interlocked.Add(ref EntitiesRead, CountOf(text, "\"PartitionKey\""));
        }

        if (fault?.Kind == FaultKind.DropResponse)
        {
            throw new IOException($"Injected fault '{fault.Name}': response lost (status {message.Response.Status}).");
        }
    }

    // Write predicates. A body is read from the request content so rules can tell row kinds apart.
    public static bool IsWrite(HttpMessage m) =>
        m.Request.Method != RequestMethod.Get && !m.Request.Uri.Path.EndsWith("/Tables", StringComparison.Ordinal);

    public static bool IsQuery(HttpMessage m) => m.Request.Method == RequestMethod.Get;

    private static string Body(HttpMessage message)
    {
        if (message.Request.Content is not { } content)
        {
            return "";
        }

        using var stream = new MemoryStream();
        content.WriteTo(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}

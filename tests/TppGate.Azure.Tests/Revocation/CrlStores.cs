using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TppGate.Azure.Revocation;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Revocation;

/// <summary>CRL stores on a fresh container of the Azurite instance, optionally with a policy in their pipeline.</summary>
internal static class CrlStores
{
    public static BlobCrlStore Create(AzuriteInstance azurite, string container, HttpPipelinePolicy? policy = null, Action<BlobCrlStoreOptions>? configure = null)
        => Create(azurite.ConnectionString, container, policy, configure);

    public static BlobCrlStore Create(string connectionString, string container, HttpPipelinePolicy? policy = null, Action<BlobCrlStoreOptions>? configure = null)
    {
        var options = new BlobCrlStoreOptions
        {
            ConnectionString = connectionString,
            ContainerName = container,

            // Generous bounds: the tests hold requests on purpose, and the machine is shared.
            OperationTimeout = TimeSpan.FromSeconds(30),
            NetworkTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        var clientOptions = BlobCrlStore.CreateClientOptions(options);
        if (policy is not null)
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        return new BlobCrlStore(BlobCrlStoreServiceCollectionExtensions.CreateClient(options, clientOptions), Options.Create(options), NullLogger<BlobCrlStore>.Instance);
    }

    /// <summary>A plain client of the container, to look at or tamper with what the store wrote.</summary>
    public static BlobContainerClient Container(AzuriteInstance azurite, string container) => new(azurite.ConnectionString, container);

    /// <summary>A connection string to a blob endpoint on a loopback port where nothing listens: a store that is down.</summary>
    public static string DownConnectionString()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        var port = ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return $"DefaultEndpointsProtocol=http;AccountName={AzuriteInstance.AccountName};AccountKey={AzuriteInstance.AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteInstance.AccountName}";
    }
}

/// <summary>Holds the first PUT of a blob (an upload) until <see cref="Gate"/> opens: a writer paused between its read and its write.</summary>
internal sealed class HoldFirstUpload : HttpPipelinePolicy
{
    private int _seen;

    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Uploads sent, held or not.</summary>
    public int Uploads => Volatile.Read(ref _seen);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        => throw new NotSupportedException("The store is asynchronous.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Method == RequestMethod.Put && message.Request.Uri.Path.EndsWith(".crl", StringComparison.Ordinal)
            && Interlocked.Increment(ref _seen) == 1)
        {
            Held.TrySetResult();
            await Gate.Task.WaitAsync(message.CancellationToken);
        }

        await ProcessNextAsync(message, pipeline);
    }
}

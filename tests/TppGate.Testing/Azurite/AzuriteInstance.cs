using TppGate.LocalHost.Azurite;
using Xunit;

namespace TppGate.Testing.Azurite;

/// <summary>
/// Azurite for tests: an <see cref="AzuriteProcess"/> on a free loopback port with data in a temporary folder.
/// Use it as an xunit assembly fixture (<c>[assembly: AssemblyFixture(typeof(AzuriteInstance))]</c>) and give
/// every test its own table (<see cref="NewTableName"/>) so tests stay independent.
/// </summary>
/// <remarks>
/// Setting <see cref="EndpointVariable"/> to the table endpoint of an Azurite that is already running
/// (e.g. <c>http://127.0.0.1:10002/devstoreaccount1</c>) skips the start; such an instance cannot be stopped
/// by tests (<see cref="CanStop"/> is false).
/// </remarks>
public sealed class AzuriteInstance : IAsyncLifetime
{
    /// <summary>Environment variable naming the table endpoint of an Azurite that is already running.</summary>
    public const string EndpointVariable = "TPPGATE_AZURITE_TABLE_ENDPOINT";

    /// <summary>
    /// Environment variable naming the blob endpoint of that Azurite; when unset, Azurite's default blob port (10000)
    /// on the table endpoint's host.
    /// </summary>
    public const string BlobEndpointVariable = "TPPGATE_AZURITE_BLOB_ENDPOINT";

    /// <summary>The emulator's well-known account.</summary>
    public const string AccountName = AzuriteProcess.AccountName;

    /// <summary>The emulator's well-known, published key; it protects nothing.</summary>
    public const string AccountKey = AzuriteProcess.AccountKey;

    private AzuriteProcess? _process;

    /// <summary>The table endpoint, e.g. <c>http://127.0.0.1:51234/devstoreaccount1</c>.</summary>
    public Uri TableEndpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The blob endpoint, e.g. <c>http://127.0.0.1:51235/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>A connection string for the table and blob endpoints with the well-known emulator key.</summary>
    public string ConnectionString => AzuriteProcess.ConnectionStringFor(TableEndpoint, BlobEndpoint);

    /// <summary>A container name no other test uses (lowercase letters and digits).</summary>
    public static string NewContainerName(string prefix = "c")
        => prefix + Guid.NewGuid().ToString("N")[..24];

    /// <summary>True when this fixture started the process and so may stop and restart it.</summary>
    public bool CanStop => _process is not null;

    /// <summary>True while the emulator process this fixture started is running.</summary>
    public bool IsRunning => _process?.IsRunning ?? false;

    /// <summary>A table name no other test uses (letters and digits, starting with a letter).</summary>
    public static string NewTableName(string prefix = "t")
        => prefix + Guid.NewGuid().ToString("N")[..24];

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(EndpointVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            TableEndpoint = new Uri(external.TrimEnd('/'), UriKind.Absolute);
            var blob = Environment.GetEnvironmentVariable(BlobEndpointVariable);
            BlobEndpoint = string.IsNullOrWhiteSpace(blob)
                ? new UriBuilder(TableEndpoint) { Port = 10000 }.Uri
                : new Uri(blob.TrimEnd('/'), UriKind.Absolute);
            return;
        }

        _process = new AzuriteProcess(Directory.CreateTempSubdirectory("tppgate-azurite-").FullName, port: 0, deleteDataOnDispose: true);
        TableEndpoint = _process.TableEndpoint;
        BlobEndpoint = _process.BlobEndpoint;
        await _process.StartAsync();
    }

    /// <summary>Starts the emulator again on the same port, with the same data.</summary>
    /// <exception cref="InvalidOperationException">The instance is external.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
        => (_process ?? throw new InvalidOperationException("An external Azurite cannot be started by tests.")).StartAsync(cancellationToken);

    /// <summary>Stops the emulator; the port and the data stay for <see cref="StartAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">The instance is external.</exception>
    public Task StopAsync(CancellationToken cancellationToken = default)
        => (_process ?? throw new InvalidOperationException("An external Azurite cannot be stopped by tests.")).StopAsync(cancellationToken);

    /// <summary>The folder holding TppGate.slnf.</summary>
    public static string FindRepositoryRoot() => AzuriteProcess.FindRepositoryRoot();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}

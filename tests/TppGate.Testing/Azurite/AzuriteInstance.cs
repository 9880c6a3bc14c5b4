using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace TppGate.Testing.Azurite;

/// <summary>
/// The Azurite table service from the pinned package in tools/azurite, on a free loopback port, for tests.
/// Use it as an xunit assembly fixture (<c>[assembly: AssemblyFixture(typeof(AzuriteInstance))]</c>) and give
/// every test its own table (<see cref="NewTableName"/>) so tests stay independent.
/// </summary>
/// <remarks>
/// Setting <see cref="EndpointVariable"/> to the table endpoint of an Azurite that is already running
/// (e.g. <c>http://127.0.0.1:10002/devstoreaccount1</c>) skips the start; such an instance cannot be stopped
/// by tests (<see cref="CanStop"/> is false). Data lives in a temporary folder, so it survives
/// <see cref="StopAsync"/> and <see cref="StartAsync"/>, which reuse the same port.
/// </remarks>
public sealed class AzuriteInstance : IAsyncLifetime
{
    /// <summary>Environment variable naming the table endpoint of an Azurite that is already running.</summary>
    public const string EndpointVariable = "TPPGATE_AZURITE_TABLE_ENDPOINT";

    /// <summary>The emulator's well-known account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known, published key; it protects nothing.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LinkedList<string> _output = new();
    private Process? _process;
    private string? _dataDirectory;
    private int _port;

    /// <summary>The table endpoint, e.g. <c>http://127.0.0.1:51234/devstoreaccount1</c>.</summary>
    public Uri TableEndpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>A connection string for the table endpoint with the well-known emulator key.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint={TableEndpoint}";

    /// <summary>True when this fixture started the process and so may stop and restart it.</summary>
    public bool CanStop => _dataDirectory is not null;

    /// <summary>True while the emulator process this fixture started is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

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
            return;
        }

        var root = FindRepositoryRoot();
        await EnsureInstalledAsync(Path.Combine(root, "tools", "azurite"));
        _dataDirectory = Directory.CreateTempSubdirectory("tppgate-azurite-").FullName;
        _port = FreeLoopbackPort();
        TableEndpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}/{AccountName}"));
        await StartAsync();
    }

    /// <summary>Starts the emulator on the same port as before (after <see cref="StopAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">The instance is external, or it did not start.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!CanStop)
        {
            throw new InvalidOperationException("An external Azurite cannot be started by tests.");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (IsRunning)
            {
                return;
            }

            var main = Path.Combine(FindRepositoryRoot(), "tools", "azurite", "node_modules", "azurite", "dist", "src", "table", "main.js");
            var start = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = _dataDirectory!,
            };
            foreach (var argument in new[]
                     {
                         main, "--tableHost", "127.0.0.1", "--tablePort", _port.ToString(CultureInfo.InvariantCulture),
                         "--location", _dataDirectory!, "--skipApiVersionCheck", "--disableProductStyleUrl", "--loose",
                         "--silent", "--disableTelemetry",
                     })
            {
                start.ArgumentList.Add(argument);
            }

            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Remember(e.Data);
            process.ErrorDataReceived += (_, e) => Remember(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;

            var deadline = Stopwatch.StartNew();
            while (!await PortAnswersAsync(_port, cancellationToken))
            {
                if (process.HasExited || deadline.Elapsed > StartTimeout)
                {
                    KillQuietly(process);
                    throw new InvalidOperationException($"Azurite did not start on port {_port}: {RecentOutput()}");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops the emulator gracefully (SIGINT, so it saves its data), killing it when it does not exit in time.
    /// The port stays reserved for <see cref="StartAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The instance is external.</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!CanStop)
        {
            throw new InvalidOperationException("An external Azurite cannot be stopped by tests.");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var process = _process;
            _process = null;
            if (process is null)
            {
                return;
            }

            using (process)
            {
                if (!process.HasExited)
                {
                    await InterruptAsync(process, cancellationToken);
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    wait.CancelAfter(GracefulStopTimeout);
                    try
                    {
                        await process.WaitForExitAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        KillQuietly(process);
                        await process.WaitForExitAsync(cancellationToken);
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (CanStop)
        {
            try
            {
                await StopAsync();
            }
            finally
            {
                if (_process is { } left)
                {
                    KillQuietly(left);
                    left.Dispose();
                }

                TryDeleteDirectory(_dataDirectory!);
            }
        }

        _gate.Dispose();
    }

    /// <summary>The folder holding TppGate.slnf, found by walking up from the test binaries.</summary>
    /// <exception cref="InvalidOperationException">No such folder above the current directory.</exception>
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TppGate.slnf")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("TppGate.slnf not found above " + AppContext.BaseDirectory);
    }

    private static async Task EnsureInstalledAsync(string toolDirectory)
    {
        var marker = Path.Combine(toolDirectory, "node_modules", "azurite", "dist", "src", "table", "main.js");
        if (File.Exists(marker))
        {
            return;
        }

        // Several test assemblies start in parallel; only one may run npm ci in the shared folder.
        using var installLock = await AcquireLockAsync(Path.Combine(toolDirectory, ".install.lock"));
        if (File.Exists(marker))
        {
            return;
        }

        var npm = OperatingSystem.IsWindows() ? new ProcessStartInfo("cmd.exe", "/c npm ci") : new ProcessStartInfo("npm", "ci");
        npm.WorkingDirectory = toolDirectory;
        npm.RedirectStandardOutput = true;
        npm.RedirectStandardError = true;
        npm.UseShellExecute = false;
        using var process = Process.Start(npm) ?? throw new InvalidOperationException("npm did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !File.Exists(marker))
        {
            throw new InvalidOperationException($"npm ci in {toolDirectory} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (deadline.Elapsed < InstallTimeout)
            {
                await Task.Delay(250);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> PortAnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task InterruptAsync(Process process, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            KillQuietly(process);
            return;
        }

        // SIGINT is the signal Azurite handles by closing its store, which writes the data to disk.
        var kill = new ProcessStartInfo("kill") { UseShellExecute = false };
        kill.ArgumentList.Add("-INT");
        kill.ArgumentList.Add(process.Id.ToString(CultureInfo.InvariantCulture));
        using var signal = Process.Start(kill);
        if (signal is null)
        {
            KillQuietly(process);
            return;
        }

        await signal.WaitForExitAsync(cancellationToken);
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the OS cleans temp.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AddLast(line);
            if (_output.Count > 50)
            {
                _output.RemoveFirst();
            }
        }
    }

    private string RecentOutput()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }
}

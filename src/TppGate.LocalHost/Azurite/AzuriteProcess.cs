using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TppGate.LocalHost.Azurite;

/// <summary>
/// The Azurite storage emulator from the pinned package in tools/azurite (installed with <c>npm ci</c> on first
/// use), run as a child process with its table and blob services (bindings; the shared CRL store) on loopback ports
/// and its data in a folder. The local run and the tests both use it. Stopping keeps the ports and the data, so
/// <see cref="StartAsync"/> brings the same store back.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
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
    private readonly string _dataDirectory;
    private readonly bool _deleteDataOnDispose;
    private readonly bool _inMemory;
    private readonly int _port;
    private readonly int _blobPort;
    private readonly int _queuePort;

    /// <summary>The table endpoint, e.g. <c>http://127.0.0.1:51234/devstoreaccount1</c>.</summary>
    public Uri TableEndpoint { get; }

    /// <summary>The blob endpoint, e.g. <c>http://127.0.0.1:51235/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>A connection string for the table and blob endpoints with the well-known emulator key.</summary>
    public string ConnectionString => ConnectionStringFor(TableEndpoint, BlobEndpoint);

    /// <summary>A connection string for Azurite's endpoints with the well-known emulator key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="tableEndpoint"/> is null.</exception>
    public static string ConnectionStringFor(Uri tableEndpoint, Uri? blobEndpoint)
    {
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        return $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint={tableEndpoint}"
            + (blobEndpoint is null ? "" : $";BlobEndpoint={blobEndpoint}");
    }

    /// <summary>True while the emulator process this fixture started is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Prepares (does not start) an emulator keeping its data in <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">Azurite's --location; created when missing.</param>
    /// <param name="port">The table port; 0 picks a free loopback port.</param>
    /// <param name="deleteDataOnDispose">Delete <paramref name="dataDirectory"/> on dispose (tests' temporary data).</param>
    /// <param name="inMemory">Keep data in memory only: Azurite's file store rewrites the whole database as it grows, which bulk loads cannot afford; the data does not survive a stop.</param>
    /// <param name="blobPort">The blob port; 0 picks a free loopback port. (Azurite's queue service, unused, gets a free port.)</param>
    public AzuriteProcess(string dataDirectory, int port = 0, bool deleteDataOnDispose = false, bool inMemory = false, int blobPort = 0)
    {
        _inMemory = inMemory;
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _dataDirectory = Directory.CreateDirectory(dataDirectory).FullName;
        _deleteDataOnDispose = deleteDataOnDispose;
        _port = port == 0 ? FreeLoopbackPort() : port;
        _blobPort = blobPort == 0 ? FreeLoopbackPort() : blobPort;
        _queuePort = FreeLoopbackPort();
        TableEndpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}/{AccountName}"));
        BlobEndpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_blobPort}/{AccountName}"));
    }

    /// <summary>Starts the emulator on the same port as before (after <see cref="StopAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">npm or Azurite failed to start.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (IsRunning)
            {
                return;
            }

            await EnsureInstalledAsync(Path.Combine(FindRepositoryRoot(), "tools", "azurite"));

            var main = Path.Combine(FindRepositoryRoot(), "tools", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");
            var start = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = _dataDirectory,
            };
            foreach (var argument in new[]
                     {
                         main, "--tableHost", "127.0.0.1", "--tablePort", _port.ToString(CultureInfo.InvariantCulture),
                         "--blobHost", "127.0.0.1", "--blobPort", _blobPort.ToString(CultureInfo.InvariantCulture),
                         "--queueHost", "127.0.0.1", "--queuePort", _queuePort.ToString(CultureInfo.InvariantCulture),
                         "--skipApiVersionCheck", "--disableProductStyleUrl", "--loose", "--silent", "--disableTelemetry",
                     }.Concat(_inMemory ? ["--inMemoryPersistence"] : ["--location", _dataDirectory]))
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
            while (!await PortAnswersAsync(_port, cancellationToken) || !await PortAnswersAsync(_blobPort, cancellationToken))
            {
                if (process.HasExited || deadline.Elapsed > StartTimeout)
                {
                    KillQuietly(process);
                    throw new InvalidOperationException($"Azurite did not start on ports {_port} (table) and {_blobPort} (blob): {RecentOutput()}");
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
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
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

            if (_deleteDataOnDispose)
            {
                TryDeleteDirectory(_dataDirectory);
            }

            _gate.Dispose();
        }
    }

    /// <summary>The folder holding TppGate.slnf, found by walking up from the binaries or the working directory.</summary>
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

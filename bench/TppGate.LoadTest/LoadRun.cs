using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.LocalHost.Azurite;
using TppGate.LocalHost.Pki;
using TppGate.Pki;

namespace TppGate.LoadTest;

/// <summary>
/// One run on one machine: a dev PKI and Azurite made once, then the local host (as <c>dotnet
/// TppGate.LocalHost.dll</c>) and the Baseline (as <c>dotnet TppGate.Baseline.dll</c>) driven by the same client
/// with the same certificate over the same TLS, for throughput and for start-up.
/// </summary>
internal sealed class LoadRun : IAsyncDisposable
{
    private const string ClientId = "bench-tpp";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly LoadOptions _options;
    private readonly TextWriter _out;
    private readonly DirectoryInfo _temp;
    private readonly DevPki _pki;
    private readonly AzuriteProcess _azurite;
    private readonly X509Certificate2 _tpp;
    private readonly byte[] _pinnedServer;
    private readonly string _adminKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private readonly string _hostDll;
    private readonly string _baselineDll;
    private long _registeredAt;
    private bool _failed;
    private bool _missed;

    private LoadRun(LoadOptions options, TextWriter output, DirectoryInfo temp, DevPki pki, AzuriteProcess azurite, string root)
    {
        _options = options;
        _out = output;
        _temp = temp;
        _pki = pki;
        _azurite = azurite;
        _tpp = pki.LoadTppCertificate();
        using var server = X509CertificateLoader.LoadCertificateFromFile(pki.ServerCertificatePath);
        _pinnedServer = server.RawData;
        _hostDll = Path.Combine(root, "src", "TppGate.LocalHost", "bin", options.Configuration, "net10.0", "TppGate.LocalHost.dll");
        _baselineDll = Path.Combine(root, "bench", "TppGate.Baseline", "bin", options.Configuration, "net10.0", "TppGate.Baseline.dll");
    }

    private string DataPath => Path.Combine(_temp.FullName, "local");

    /// <summary>Makes the dev PKI (as the host would on first run) and starts Azurite, which both servers' runs share.</summary>
    public static async Task<LoadRun> CreateAsync(LoadOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        var root = AzuriteProcess.FindRepositoryRoot();
        var temp = Directory.CreateTempSubdirectory("tppgate-load-");
        // The host serves the dev QTSP's CRL on this port; the sample QWAC names it, so revocation stays on.
        var crlPort = ServerProcess.FreeLoopbackPort();
        var pki = DevPki.Ensure(Path.Combine(temp.FullName, "local", "pki"), TimeProvider.System, $"http://127.0.0.1:{crlPort}{TppGate.LocalHost.Hosting.DevQtspEndpoints.CrlPath}");
        var azurite = new AzuriteProcess(Path.Combine(temp.FullName, "azurite"), port: 0, deleteDataOnDispose: true);
        await azurite.StartAsync(cancellationToken);
        return new LoadRun(options, output, temp, pki, azurite, root);
    }

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        var o = _options;
        _out.WriteLine("TppGate load run");
        _out.WriteLine($"  machine:  {Machine.Describe()}");
        _out.WriteLine(Invariant($"  settings: {o.Workers} workers, HTTP/{o.HttpVersion}, warm-up {o.WarmUp.TotalSeconds} s, {o.Rounds} x {o.Duration.TotalSeconds} s measured per target{(o.MaxRequests > 0 ? $" (at most {o.MaxRequests} requests)" : "")}, {o.StartupRuns} start-ups per server, settle {o.Settle.TotalSeconds} s"));
        _out.WriteLine($"  servers:  {_hostDll}");
        _out.WriteLine($"            {_baselineDll}");
        _out.WriteLine($"  storage:  Azurite {_azurite.TableEndpoint} (started by the run, outside the timed start-ups)");
        _out.WriteLine();

        try
        {
            await RegisterAsync(cancellationToken);

            // Start-ups first: they measure a cold cache anyway, and they use up part of the settle time.
            if (o.Startup)
            {
                await CompareStartupAsync(cancellationToken);
            }

            if (o.Load)
            {
                var wait = o.Settle - Stopwatch.GetElapsedTime(_registeredAt);
                if (wait > TimeSpan.Zero)
                {
                    _out.WriteLine(Invariant($"Waiting {wait.TotalSeconds:F0} s more before the measured load (--settle)."));
                    await Task.Delay(wait, cancellationToken);
                }
                await CompareThroughputAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or FileNotFoundException)
        {
            _out.WriteLine($"FAILED: {ex.Message}");
            return 1;
        }

        if (_failed)
        {
            _out.WriteLine("FAILED: errors above (a non-200 or non-allow answer counts as an error).");
            return 1;
        }

        return _missed && o.FailOnMiss ? 2 : 0;
    }

    public async ValueTask DisposeAsync()
    {
        _tpp.Dispose();
        await _azurite.DisposeAsync();
        try
        {
            _temp.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temp leftover is harmless.
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private Dictionary<string, string> HostEnvironment(int authorizerPort, int adminPort) => new(StringComparer.Ordinal)
    {
        ["Local__DataPath"] = DataPath,
        ["Local__AuthorizerPort"] = authorizerPort.ToString(CultureInfo.InvariantCulture),
        ["Local__AdminPort"] = adminPort.ToString(CultureInfo.InvariantCulture),
        ["Local__AdminKey"] = _adminKey,
        ["Local__CrlPort"] = new Uri(_pki.CrlUrl).Port.ToString(CultureInfo.InvariantCulture),
        ["Local__StartAzurite"] = "false",
        ["Bindings__ConnectionString"] = _azurite.ConnectionString,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private Dictionary<string, string> BaselineEnvironment(int port) => new(StringComparer.Ordinal)
    {
        ["Baseline__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Baseline__CertificatePath"] = _pki.ServerCertificatePath,
        ["Baseline__KeyPath"] = _pki.ServerKeyPath,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private static KeyValuePair<string, string>[] AuthorizeHeaders => [new("X-Client-Id", ClientId), new("X-Tpp-Api", "accounts")];

    private static RequestShape Authorizer(int port) => new(MutualTlsClient.Loopback(new Uri(Invariant($"https://127.0.0.1:{port}/api/authorize"))), AuthorizeHeaders, ExpectAllow: true);

    // The same request as the authorizer's, so both servers parse the same bytes; the baseline ignores the headers.
    private static RequestShape Baseline(int port) => new(MutualTlsClient.Loopback(new Uri(Invariant($"https://127.0.0.1:{port}/api/authorize"))), AuthorizeHeaders, ExpectAllow: false);

    private HttpClient Client(ConnectionCounter? connections = null) => MutualTlsClient.Create(_tpp, _pinnedServer, _options.HttpVersion, connections);

    /// <summary>Starts the host once, registers the TPP certificate for <see cref="ClientId"/> through the admin API, stops it.</summary>
    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        int authorizerPort = ServerProcess.FreeLoopbackPort(), adminPort = ServerProcess.FreeLoopbackPort();
        await using var host = ServerProcess.Start("local host", _hostDll, HostEnvironment(authorizerPort, adminPort));
        using var client = Client();
        await Probe.UntilGoodAsync(host, client, Authorizer(authorizerPort), StartTimeout, anyAnswer: true, cancellationToken);

        using var admin = MutualTlsClient.Create(null, _pinnedServer, HttpVersion.Version11);
        admin.DefaultRequestHeaders.Add("X-Admin-Key", _adminKey);
        using var response = await admin.PostAsJsonAsync(
            Invariant($"https://127.0.0.1:{adminPort}/api/bindings"), new { clientId = ClientId, certificate = PkiExport.CertificatePem(_tpp) }, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            throw new InvalidOperationException($"Registering {ClientId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        _registeredAt = Stopwatch.GetTimestamp();
        _out.WriteLine($"Registered the dev PKI's TPP QWAC for client_id {ClientId} (admin API answered {(int)response.StatusCode}).");
        _out.WriteLine();
    }

    private async Task CompareThroughputAsync(CancellationToken cancellationToken)
    {
        var o = _options;
        _out.WriteLine("== HTTP load: authorizer (POST /api/authorize, warm, mutual TLS, keep-alive) vs bare Kestrel (same TLS, 200)");
        int authorizerPort = ServerProcess.FreeLoopbackPort(), adminPort = ServerProcess.FreeLoopbackPort(), baselinePort = ServerProcess.FreeLoopbackPort();
        await using var host = ServerProcess.Start("local host", _hostDll, HostEnvironment(authorizerPort, adminPort));
        await using var baseline = ServerProcess.Start("baseline", _baselineDll, BaselineEnvironment(baselinePort));

        var targets = new[]
        {
            new Target("authorizer", host, Authorizer(authorizerPort), new ConnectionCounter()),
            new Target("baseline", baseline, Baseline(baselinePort), new ConnectionCounter()),
        };
        foreach (var target in targets)
        {
            target.Client = Client(target.Connections);
            await Probe.UntilGoodAsync(target.Server, target.Client, target.Shape, StartTimeout, cancellationToken: cancellationToken);
        }

        foreach (var target in targets)
        {
            var warm = await ClosedLoop.RunAsync(target.Client!, target.Shape, o.Workers, o.WarmUp, 0, cancellationToken);
            _out.WriteLine(Invariant($"  warm-up {target.Name}: {warm.Good + warm.ErrorCount} requests in {warm.Elapsed.TotalSeconds:F1} s (excluded)"));
            Report(target.Name, warm.Errors);
        }

        for (var round = 1; round <= o.Rounds; round++)
        {
            // A-B in odd rounds, B-A in even ones: a steady drift in machine load then favours neither target.
            foreach (var target in round % 2 == 1 ? targets : [targets[1], targets[0]])
            {
                var serverCpu = target.Server.CpuTime;
                var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
                var result = await ClosedLoop.RunAsync(target.Client!, target.Shape, o.Workers, o.Duration, o.MaxRequests, cancellationToken);
                target.Rounds.Add(result);
                target.ServerCpu += target.Server.CpuTime - serverCpu;
                target.ClientCpu += Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
                _out.WriteLine(Invariant($"  round {round} {target.Name,-10}: {result.Good / result.Elapsed.TotalSeconds,9:F0} req/s, p50 {Stats.PercentileMs(result.Latencies, 50):F2} ms, p99 {Stats.PercentileMs(result.Latencies, 99):F2} ms, errors {result.ErrorCount}  (load avg {Machine.LoadAverage()})"));
                Report(target.Name, result.Errors);
            }
        }

        _out.WriteLine();
        _out.WriteLine("| target | requests | errors | req/s | p50 ms | p99 ms | p99.9 ms | max ms | server CPU µs/req | client CPU µs/req | TCP connections |");
        _out.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var target in targets)
        {
            var all = target.Rounds.SelectMany(r => r.Latencies).ToArray();
            Array.Sort(all);
            var good = all.LongLength;
            var seconds = target.Rounds.Sum(r => r.Elapsed.TotalSeconds);
            target.Throughput = good / seconds;
            _out.WriteLine(Invariant(
                $"| {target.Name} | {good} | {target.Rounds.Sum(r => r.ErrorCount)} | {target.Throughput:F0} | {Stats.PercentileMs(all, 50):F2} | {Stats.PercentileMs(all, 99):F2} | {Stats.PercentileMs(all, 99.9):F2} | {Stats.Ms(all.Length > 0 ? all[^1] : 0):F2} | {target.ServerCpu.TotalMicroseconds / Math.Max(good, 1):F0} | {target.ClientCpu.TotalMicroseconds / Math.Max(good, 1):F0} | {target.Connections.Count} |"));
            target.Client!.Dispose();
        }

        // Each round measures both targets back to back: a pair seen under the same machine load. The verdict is the
        // median over the pairs (issue 12), so one noisy round moves neither way.
        var pairs = targets[0].Rounds.Zip(targets[1].Rounds, (a, b) => (
            Throughput: (a.Good / a.Elapsed.TotalSeconds) / (b.Good / b.Elapsed.TotalSeconds),
            P99: Stats.PercentileMs(a.Latencies, 99) / Stats.PercentileMs(b.Latencies, 99))).ToArray();
        var throughput = Stats.Median(pairs.Select(p => p.Throughput));
        var p99 = Stats.Median(pairs.Select(p => p.P99));
        var errors = targets.Sum(t => t.Rounds.Sum(r => r.ErrorCount));
        var met = throughput >= o.ThroughputTarget;
        var tailMet = p99 <= o.P99Target;
        _missed |= !met || !tailMet;
        _out.WriteLine();
        _out.WriteLine("| round | throughput ratio | p99 ratio |");
        _out.WriteLine("|---:|---:|---:|");
        for (var i = 0; i < pairs.Length; i++)
        {
            _out.WriteLine(Invariant($"| {i + 1} | {pairs[i].Throughput:F2} | {pairs[i].P99:F2} |"));
        }

        _out.WriteLine();
        _out.WriteLine(Invariant($"Throughput ratio authorizer/baseline, median of {pairs.Length} A/B rounds: {throughput:F2} (target >= {o.ThroughputTarget:F2}): {Stats.Verdict(met)}"));
        _out.WriteLine(Invariant($"p99 ratio authorizer/baseline, median of {pairs.Length} A/B rounds: {p99:F2} (target <= {o.P99Target:F2}): {Stats.Verdict(tailMet)}"));
        _out.WriteLine(Invariant($"Throughput ratio over all rounds pooled: {targets[0].Throughput / targets[1].Throughput:F2}; non-2xx or non-allow answers: {errors}"));
        _out.WriteLine();
    }

    private async Task CompareStartupAsync(CancellationToken cancellationToken)
    {
        var o = _options;
        _out.WriteLine("== Start-up: process start -> first good answer over mutual TLS (authorizer: 200 allow, from a cold binding cache)");
        _out.WriteLine("   (pre-created dev PKI, Azurite already running; polled every 5 ms; the load client is already warm)");
        var host = new List<StartupSample>();
        var baseline = new List<StartupSample>();
        for (var i = 1; i <= o.StartupRuns; i++)
        {
            // Alternate so that drift in machine load hits both servers alike.
            var h = await TimeHostAsync(cancellationToken);
            var b = await TimeBaselineAsync(cancellationToken);
            host.Add(h);
            baseline.Add(b);
            _out.WriteLine(Invariant($"  run {i}: host {h.FirstGood.TotalMilliseconds:F0} ms (first answer {h.FirstAnswer.TotalMilliseconds:F0} ms, {h.NotYetGood} early non-allow), baseline {b.FirstGood.TotalMilliseconds:F0} ms  (load avg {Machine.LoadAverage()})"));
        }

        var hostMedian = Stats.Median(host.Select(s => s.FirstGood.TotalMilliseconds));
        var baselineMedian = Stats.Median(baseline.Select(s => s.FirstGood.TotalMilliseconds));
        _out.WriteLine();
        _out.WriteLine("| server | median ms | min ms | max ms |");
        _out.WriteLine("|---|---:|---:|---:|");
        _out.WriteLine(Invariant($"| local host: start -> first 200 allow | {hostMedian:F0} | {host.Min(s => s.FirstGood.TotalMilliseconds):F0} | {host.Max(s => s.FirstGood.TotalMilliseconds):F0} |"));
        _out.WriteLine(Invariant($"| baseline: start -> first 200 | {baselineMedian:F0} | {baseline.Min(s => s.FirstGood.TotalMilliseconds):F0} | {baseline.Max(s => s.FirstGood.TotalMilliseconds):F0} |"));
        var ratio = hostMedian / baselineMedian;
        var met = ratio <= o.StartupTarget;
        _missed |= !met;
        _out.WriteLine();
        _out.WriteLine(Invariant($"Start-up ratio host/baseline (medians): {ratio:F2} (target <= {o.StartupTarget:F2}): {Stats.Verdict(met)}"));
        _out.WriteLine();
    }

    private async Task<StartupSample> TimeHostAsync(CancellationToken cancellationToken)
    {
        int authorizerPort = ServerProcess.FreeLoopbackPort(), adminPort = ServerProcess.FreeLoopbackPort();
        using var client = Client();
        await using var host = ServerProcess.Start("local host", _hostDll, HostEnvironment(authorizerPort, adminPort));
        return await Probe.UntilGoodAsync(host, client, Authorizer(authorizerPort), StartTimeout, cancellationToken: cancellationToken);
    }

    private async Task<StartupSample> TimeBaselineAsync(CancellationToken cancellationToken)
    {
        var port = ServerProcess.FreeLoopbackPort();
        using var client = Client();
        await using var baseline = ServerProcess.Start("baseline", _baselineDll, BaselineEnvironment(port));
        return await Probe.UntilGoodAsync(baseline, client, Baseline(port), StartTimeout, cancellationToken: cancellationToken);
    }

    private void Report(string target, IReadOnlyDictionary<string, long> errors)
    {
        foreach (var (error, count) in errors)
        {
            _failed = true;
            _out.WriteLine(Invariant($"    ERROR {target}: {count} x {error}"));
        }
    }

    private sealed class Target(string name, ServerProcess server, RequestShape shape, ConnectionCounter connections)
    {
        public string Name { get; } = name;

        public ServerProcess Server { get; } = server;

        public RequestShape Shape { get; } = shape;

        public ConnectionCounter Connections { get; } = connections;

        public HttpClient? Client { get; set; }

        public List<PhaseResult> Rounds { get; } = [];

        public TimeSpan ServerCpu { get; set; }

        public TimeSpan ClientCpu { get; set; }

        public double Throughput { get; set; }
    }
}

using TppGate.Testing.Waiting;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Eidas;
using TppGate.LocalHost.Hosting;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;

namespace TppGate.LocalHost.Tests.Faults;

/// <summary>
/// Storage failing under load, on a local run of its own (these tests stop Azurite). The promises: a decision
/// never waits past the 1 s deadline; nothing that is not cached as allowed is ever allowed while storage is
/// out; cached allows stop within the 5 s propagation bound plus one poll; everything comes back without a restart.
/// </summary>
public sealed class StorageFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan DeadlineWithMargin = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan CachedAllowBound = TimeSpan.FromSeconds(5 + 1 + 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Sample(TimeSpan At, string Who, HttpStatusCode Status, string? Code, TimeSpan Latency);

    [Fact]
    public async Task Azurite_stopped_under_load_fails_closed_within_the_deadline_and_recovers_without_a_restart()
    {
        await using var isolated = await IsolatedLocalRun.StartAsync();
        var run = isolated.Run;
        var catalogue = CertificateCatalogue.Shared;
        var client = "fault-client";
        var warm = Issue(catalogue, "warm");
        var cold = Enumerable.Range(0, 40).Select(i => Issue(catalogue, "cold-" + i)).ToArray();
        await RegisterAsync(run, client, warm);
        foreach (var c in cold)
        {
            await RegisterAsync(run, client, c);
        }

        using var warmHttp = LocalRunFixture.AuthorizerOf(run, warm);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(warmHttp, client)).Status);

        var clock = Stopwatch.StartNew();
        var samples = new ConcurrentBag<Sample>();
        var coldIndex = -1;
        var stopLoad = new CancellationTokenSource();

        async Task LoopAsync(string who, Func<HttpClient> http)
        {
            while (!stopLoad.IsCancellationRequested)
            {
                using var h = http();
                var started = clock.Elapsed;
                var (status, code) = await AskAsync(h, client);
                samples.Add(new Sample(started, who, status, code, clock.Elapsed - started));
                await Task.Delay(50, Ct);
            }
        }

        var load = new List<Task>
        {
            LoopAsync("warm", () => LocalRunFixture.AuthorizerOf(run, warm)),
            LoopAsync("warm", () => LocalRunFixture.AuthorizerOf(run, warm)),
        };
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        await run.Azurite!.StopAsync(Ct);
        var stoppedAt = clock.Elapsed;

        // Cold requests start with the outage: each certificate is asked once, so none can be cached.
        load.Add(LoopAsync("cold", () => LocalRunFixture.AuthorizerOf(run, cold[Math.Min(Interlocked.Increment(ref coldIndex), cold.Length - 1)])));
        load.Add(LoopAsync("cold", () => LocalRunFixture.AuthorizerOf(run, cold[Math.Min(Interlocked.Increment(ref coldIndex), cold.Length - 1)])));
        await Task.Delay(CachedAllowBound + TimeSpan.FromSeconds(1), Ct);
        // The outage ends when the restart begins: Azurite may answer before StartAsync returns.
        var restartedAt = clock.Elapsed;
        await run.Azurite.StartAsync(Ct);

        var recovered = await Eventually.WithinAsync(TimeSpan.FromSeconds(15), async () =>
        {
            using var h = LocalRunFixture.AuthorizerOf(run, warm);
            return (await AskAsync(h, client)).Status == HttpStatusCode.OK;
        });
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        var during = samples.Where(s => s.At >= stoppedAt && s.At < restartedAt).OrderBy(s => s.At).ToArray();
        foreach (var s in during.Where(s => s.Who == "cold").Take(3).Concat(during.Where(s => s.Who == "warm").TakeLast(3)))
        {
            output.WriteLine($"{s.Who} at +{(s.At - stoppedAt).TotalMilliseconds:F0} ms: {(int)s.Status} {s.Code} in {s.Latency.TotalMilliseconds:F0} ms");
        }

        output.WriteLine($"outage samples {during.Length}, max latency {during.Max(s => s.Latency).TotalMilliseconds:F0} ms, last warm allow at +{during.Where(s => s.Who == "warm" && s.Status == HttpStatusCode.OK).Select(s => (s.At - stoppedAt).TotalMilliseconds).DefaultIfEmpty(-1).Max():F0} ms");

        Assert.Contains(during, s => s.Who == "cold");
        Assert.All(during, s => Assert.True(s.Latency <= DeadlineWithMargin, $"{s.Who} answered in {s.Latency.TotalMilliseconds:F0} ms"));
        Assert.All(during.Where(s => s.Who == "cold"), s => Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), (s.Status, s.Code)));
        Assert.All(during.Where(s => s.Status != HttpStatusCode.OK), s => Assert.Equal("SERVICE_UNAVAILABLE", s.Code));
        Assert.DoesNotContain(during, s => s.Who == "warm" && s.Status == HttpStatusCode.OK && s.At - stoppedAt > CachedAllowBound);
        Assert.Contains(during, s => s.Who == "warm" && s.Status == HttpStatusCode.ServiceUnavailable);
        Assert.True(recovered, "allows came back after Azurite restarted");

        using var coldAfter = LocalRunFixture.AuthorizerOf(run, cold[^1]);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(coldAfter, client)).Status);
    }

    [Fact]
    public async Task Storage_slower_than_the_deadline_is_503_within_the_deadline_and_recovers_when_the_delay_goes()
    {
        var catalogue = CertificateCatalogue.Shared;
        await using var azurite = new Azurite.AzuriteProcess(Directory.CreateTempSubdirectory("tppgate-slow-").FullName, deleteDataOnDispose: true);
        await azurite.StartAsync(Ct);
        await using var proxy = new DelayingTcpProxy(azurite.TableEndpoint.Port);
        await using var isolated = await IsolatedLocalRun.StartAsync(new Dictionary<string, string?>
        {
            ["Local:StartAzurite"] = "false",
            ["Bindings:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName={Azurite.AzuriteProcess.AccountName};AccountKey={Azurite.AzuriteProcess.AccountKey};TableEndpoint=http://127.0.0.1:{proxy.Port}/{Azurite.AzuriteProcess.AccountName}",
        });
        var run = isolated.Run;
        var client = "slow-client";
        var certificates = Enumerable.Range(0, 6).Select(i => Issue(catalogue, "slow-" + i)).ToArray();
        foreach (var c in certificates)
        {
            await RegisterAsync(run, client, c);
        }

        proxy.Delay = TimeSpan.FromSeconds(3);
        var latencies = new List<TimeSpan>();
        foreach (var c in certificates[..5])
        {
            using var http = LocalRunFixture.AuthorizerOf(run, c);
            var started = Stopwatch.StartNew();
            var answer = await AskAsync(http, client);
            latencies.Add(started.Elapsed);
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), answer);
        }

        output.WriteLine("latencies with storage 3 s slow: " + string.Join(", ", latencies.Select(l => $"{l.TotalMilliseconds:F0} ms")));
        Assert.All(latencies, l => Assert.True(l <= TimeSpan.FromSeconds(1.2) + TimeSpan.FromMilliseconds(300), $"{l.TotalMilliseconds:F0} ms"));

        proxy.Delay = TimeSpan.Zero;
        var recovered = await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            using var http = LocalRunFixture.AuthorizerOf(run, certificates[5]);
            return (await AskAsync(http, client)).Status == HttpStatusCode.OK;
        });
        Assert.True(recovered);
    }

    [Fact]
    public async Task Host_without_trust_anchors_answers_503_and_reports_unhealthy()
    {
        var data = Directory.CreateTempSubdirectory("tppgate-noanchors-").FullName;
        var emptyAnchors = Path.Combine(data, "none.pem");
        await File.WriteAllTextAsync(emptyAnchors, "", Ct);
        await using var isolated = await IsolatedLocalRun.StartAsync(new Dictionary<string, string?> { ["TrustAnchors:Path"] = emptyAnchors });
        var run = isolated.Run;

        using var http = LocalRunFixture.AuthorizerOf(run, CertificateCatalogue.Shared.QwacAi);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), await AskAsync(http, "any-client"));
        using var health = await http.GetAsync("api/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    private static X509Certificate2 Issue(CertificateCatalogue catalogue, string name)
        => catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"{name}-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation));

    private static async Task RegisterAsync(LocalRun run, string client, X509Certificate2 certificate)
    {
        using var admin = LocalRunFixture.AdminOf(run);
        using var response = await admin.PostAsJsonAsync("api/bindings", new { clientId = client, certificate = PkiExport.CertificatePem(certificate) }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string? Code)> AskAsync(HttpClient http, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/authorize") { Headers = { { "X-Client-Id", client }, { "X-Tpp-Api", "accounts" } } };
        using var response = await http.SendAsync(request, Ct);
        var (status, code, _) = await Answers.ReadAsync(response);
        return (status, code);
    }
}

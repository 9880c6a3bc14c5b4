using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TppGate.Azure.Tables;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.LocalHost.Azurite;
using TppGate.Pki;

// Usage: dotnet run -c Release --project bench/TppGate.ScaleRun -- [--bindings 100000] [--parallel 32]
var bindings = Arg("--bindings", 100_000);
var parallel = Arg("--parallel", 32);
var c = CultureInfo.InvariantCulture;

await using var azurite = new AzuriteProcess(Directory.CreateTempSubdirectory("tppgate-scale-").FullName, port: 0, deleteDataOnDispose: true, inMemory: true);
await azurite.StartAsync();
var connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.AccountName};AccountKey={AzuriteProcess.AccountKey};TableEndpoint={azurite.TableEndpoint}";

var catalogue = CertificateCatalogue.Shared;
var hot = catalogue.IssuingCa.Issue(CertificateProfile.Qwac("scale-hot.tpp.example", Psd2Role.AccountInformation));
var header = PkiExport.Base64Der(hot);

var small = await TableAsync("small", 10);
var large = await TableAsync("large", bindings);

Console.WriteLine(string.Create(c, $"TppGate scale run: {Environment.ProcessorCount} logical cores, Azurite {azurite.TableEndpoint}"));
Console.WriteLine(string.Create(c, $"  small table: 10 bindings; large table: {bindings:N0} bindings (loaded at {large.LoadRate:N0} registrations/s, 4 writes each)"));

// Warm decisions, interleaved in blocks so that machine noise hits both alike.
const int Block = 20_000;
var warm = new double[2];
for (var round = 0; round < 10; round++)
{
    var i = 0;
    foreach (var table in new[] { small, large })
    {
        var sw = Stopwatch.StartNew();
        for (var n = 0; n < Block; n++)
        {
            if (!table.Authorizer.AuthorizeAsync(table.Request).GetAwaiter().GetResult().IsAllowed)
            {
                throw new InvalidOperationException("the warm decision is not an allow");
            }
        }

        if (round > 0)
        {
            warm[i] += sw.Elapsed.TotalNanoseconds / Block;
        }

        i++;
    }
}

warm[0] /= 9;
warm[1] /= 9;

// Cold storage reads: point reads of present certificates, the read a cache miss costs.
var coldSmall = await PointReadsAsync(small, 1_000);
var coldLarge = await PointReadsAsync(large, 1_000);

Console.WriteLine();
Console.WriteLine("| measure | 10 bindings | " + bindings.ToString("N0", c) + " bindings | ratio |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine(string.Create(c, $"| warm decision (ns, mean of 9 x {Block:N0}) | {warm[0]:F0} | {warm[1]:F0} | {warm[1] / warm[0]:F2} |"));
Console.WriteLine(string.Create(c, $"| storage point read p50 (ms) | {coldSmall.P50:F2} | {coldLarge.P50:F2} | {coldLarge.P50 / coldSmall.P50:F2} |"));
Console.WriteLine(string.Create(c, $"| storage point read p99 (ms) | {coldSmall.P99:F2} | {coldLarge.P99:F2} | {coldLarge.P99 / coldSmall.P99:F2} |"));
Console.WriteLine(string.Create(c, $"| binding cache entries after the run | {small.Cache.Count:N0} | {large.Cache.Count:N0} | |"));
var pass = warm[1] / warm[0] <= 1.10;
Console.WriteLine(string.Create(c, $"Warm decision with {bindings:N0} bindings vs 10: {warm[1] / warm[0]:F2}x (target: the same, within 10%): {(pass ? "PASS" : "MISS")}"));
return 0;

async Task<Table> TableAsync(string name, int count)
{
    var options = Options.Create(new TableBindingStoreOptions { ConnectionString = connection, TableName = "scale" + name });
    var store = new TableBindingStore(
        TableBindingStoreServiceCollectionExtensions.CreateClient(options.Value, TableBindingStore.CreateHotPathClientOptions(options.Value)),
        TableBindingStoreServiceCollectionExtensions.CreateClient(options.Value, TableBindingStore.CreateAdminClientOptions(options.Value)),
        options,
        NullLogger<TableBindingStore>.Instance);
    await store.InitializeAsync();
    await store.RegisterAsync(Binding("hot-client", CertificateThumbprints.Of(hot).Sha256Hex));
    var present = new string[count - 1];
    var sw = Stopwatch.StartNew();
    await Parallel.ForAsync(0, count - 1, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
    {
        present[i] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var result = await store.RegisterAsync(Binding("client-" + i.ToString(c), present[i]), ct);
        if (result.Outcome != RegisterOutcome.Created)
        {
            throw new InvalidOperationException("registration " + i.ToString(c) + " was " + result.Outcome);
        }
    });
    var rate = (count - 1) / Math.Max(sw.Elapsed.TotalSeconds, 0.001);

    var options2 = new AuthorizerOptions { ApiRoles = { ["accounts"] = ["PSP_AI"] }, BindingCacheSize = 2 * count + 16 };
    var anchors = new StaticTrustAnchorProvider([catalogue.Root.Certificate, catalogue.IssuingCa.Certificate], "scale");
    var chain = new ChainValidationOptions { Revocation = RevocationCheck.NoCheck };
    var cache = new BindingCache(options2, TimeProvider.System);
    var verifier = new CertificateVerifier(new ChainValidator(anchors, chain, TimeProvider.System), anchors, options2, new CertificateReaderOptions(), TimeProvider.System);
    var authorizer = new Authorizer(verifier, cache, store, options2, TimeProvider.System);
    var watcher = new BindingChangeWatcher(store, cache, options2, TimeProvider.System);
    _ = Task.Run(() => watcher.RunAsync());
    await watcher.PollOnceAsync();
    return new Table(store, authorizer, cache, new AuthorizationRequest(header, CertificateSourceFormat.Base64, null, "hot-client", "accounts", null), present, rate);
}

static async Task<(double P50, double P99)> PointReadsAsync(Table table, int reads)
{
    var times = new double[reads];
    for (var i = 0; i < reads; i++)
    {
        var sha256 = table.Present[Random.Shared.Next(table.Present.Length)];
        var sw = Stopwatch.StartNew();
        if (await table.Store.GetByCertificateAsync(sha256) is null)
        {
            throw new InvalidOperationException("a registered binding was not found");
        }

        times[i] = sw.Elapsed.TotalMilliseconds;
    }

    Array.Sort(times);
    return (times[reads / 2], times[(int)(reads * 0.99)]);
}

CertificateBinding Binding(string clientId, string sha256) => new()
{
    ClientId = clientId,
    Sha256 = sha256,
    Thumbprint = TppGate.Core.Certificates.Thumbprint.HexToX5tS256(sha256),
    SpkiSha256 = sha256,
    Subject = "CN=" + clientId,
    Issuer = hot.Issuer,
    Roles = ["PSP_AI"],
    NotBefore = hot.NotBefore,
    NotAfter = hot.NotAfter,
    CreatedBy = "scale-run",
    CreatedAt = DateTimeOffset.UtcNow,
};

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record Table(TableBindingStore Store, Authorizer Authorizer, BindingCache Cache, AuthorizationRequest Request, string[] Present, double LoadRate);

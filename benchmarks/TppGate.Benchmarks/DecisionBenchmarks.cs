using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BenchmarkDotNet.Attributes;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Core.Trust.Revocation;
using TppGate.Pki;

namespace TppGate.Benchmarks;

/// <summary>
/// A warm decision (certificate verdict and binding cached, change feed fresh) against a fixed floor: SHA-256 of
/// the header bytes and one dictionary look-up, which is what the verdict cache's key alone cost before issue 12
/// (the key is now the value itself with a fast hash, so the decision can come out below this floor).
/// Targets: at most 2x the floor and at most 10 us; allocations reported.
/// </summary>
[MemoryDiagnoser]
public class WarmDecisionBenchmarks
{
    private readonly Dictionary<HeaderHash, string> _floorMap = [];
    private string _header = "";
    private Authorizer _authorizer = null!;
    private AuthorizationRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var fixture = DecisionFixture.Create(certificates: 1, certificateCacheSize: 10_000);
        _authorizer = fixture.Authorizer;
        _header = fixture.Headers[0];
        _request = fixture.WarmRequest(0);
        _floorMap[HeaderHash.Of(_header)] = DecisionFixture.ClientId(0);
        if (!WarmDecision() || Floor() is null)
        {
            throw new InvalidOperationException("the warm decision is not an allow: the figures would measure a failure path");
        }
    }

    [Benchmark(Baseline = true, Description = "floor: SHA-256 of header + dictionary look-up")]
    public string? Floor() => _floorMap.GetValueOrDefault(HeaderHash.Of(_header));

    [Benchmark(Description = "TppGate warm decision (allow)")]
    public bool WarmDecision() => _authorizer.AuthorizeAsync(_request).GetAwaiter().GetResult().IsAllowed;

    private readonly record struct HeaderHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static HeaderHash Of(string header)
        {
            Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(header.Length)];
            var n = Encoding.UTF8.GetBytes(header, bytes);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(bytes[..n], hash);
            var w = MemoryMarshal.Cast<byte, ulong>(hash);
            return new HeaderHash(w[0], w[1], w[2], w[3]);
        }
    }
}

/// <summary>
/// A warm decision with QTSP revocation checked from the CRL cache (the default) against the same decision with
/// revocation off (NoCheck), in one run. Target: at most 1.05x.
/// </summary>
[MemoryDiagnoser]
public class RevocationWarmDecisionBenchmarks
{
    private Authorizer _off = null!;
    private Authorizer _on = null!;
    private AuthorizationRequest _offRequest = null!;
    private AuthorizationRequest _onRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        var off = DecisionFixture.Create(certificates: 1, certificateCacheSize: 10_000);
        var on = DecisionFixture.Create(certificates: 1, certificateCacheSize: 10_000, revocation: true);
        (_off, _offRequest) = (off.Authorizer, off.WarmRequest(0));
        (_on, _onRequest) = (on.Authorizer, on.WarmRequest(0));
        if (!RevocationOff() || !RevocationOn())
        {
            throw new InvalidOperationException("a warm decision is not an allow: the figures would measure a failure path");
        }
    }

    [Benchmark(Baseline = true, Description = "warm decision, revocation off (NoCheck)")]
    public bool RevocationOff() => _off.AuthorizeAsync(_offRequest).GetAwaiter().GetResult().IsAllowed;

    /// <summary>
    /// The baseline again, as a separate method: since the warm decision fell to about 0.25 us (issue 12), two
    /// identical benchmarks can differ by 10% or more (code placement), which is more than the 1.05x target;
    /// how far this twin lands from the baseline shows what a ratio in this run can resolve.
    /// </summary>
    [Benchmark(Description = "warm decision, revocation off (NoCheck), twin of the baseline")]
    public bool RevocationOffTwin() => _off.AuthorizeAsync(_offRequest).GetAwaiter().GetResult().IsAllowed;

    [Benchmark(Description = "warm decision, revocation on (CRL cache)")]
    public bool RevocationOn() => _on.AuthorizeAsync(_onRequest).GetAwaiter().GetResult().IsAllowed;
}

/// <summary>
/// A cold decision (a certificate value the cache has not seen, binding cached) against the bare BCL cost of
/// loading the same certificate and building its chain with the same policy. Target: at most 1.15x.
/// </summary>
[MemoryDiagnoser]
public class ColdDecisionBenchmarks
{
    private const int Certificates = 64;
    private DecisionFixture _fixture = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        // A verdict cache of two entries over 64 rotating certificates: every decision misses it.
        _fixture = DecisionFixture.Create(Certificates, certificateCacheSize: 2);
        for (var i = 0; i < Certificates; i++)
        {
            if (!ColdDecision() || !Baseline())
            {
                throw new InvalidOperationException("a cold decision is not an allow: the figures would measure a failure path");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "BCL: load DER + X509Chain.Build")]
    public bool Baseline() => BclBaseline.LoadAndBuild(_fixture.Headers[Next()], _fixture.Anchors.Anchors, _fixture.Anchors.Intermediates, _fixture.Now.UtcDateTime);

    [Benchmark(Description = "TppGate cold decision (allow)")]
    public bool ColdDecision() => _fixture.Authorizer.AuthorizeAsync(_fixture.Request(Next())).GetAwaiter().GetResult().IsAllowed;

    private int Next() => _next = (_next + 1) % Certificates;
}

/// <summary>An authorizer over an in-memory store with <c>n</c> registered QWACs, at a fixed time.</summary>
internal sealed class DecisionFixture
{
    private DecisionFixture(Authorizer authorizer, BindingCache bindings, CertificateVerifier verifier, TrustAnchorSet anchors, string[] headers, DateTimeOffset now)
    {
        Authorizer = authorizer;
        Bindings = bindings;
        Verifier = verifier;
        Anchors = anchors;
        Headers = headers;
        Now = now;
    }

    public Authorizer Authorizer { get; }

    public BindingCache Bindings { get; }

    public CertificateVerifier Verifier { get; }

    public TrustAnchorSet Anchors { get; }

    public string[] Headers { get; }

    public DateTimeOffset Now { get; }

    public static string ClientId(int i) => "client-" + i;

    public AuthorizationRequest Request(int i) => new(Headers[i], CertificateSourceFormat.Base64, null, ClientId(i), "accounts", null);

    /// <summary>
    /// A request for certificate <paramref name="i"/> whose verdict and binding are cached under another string
    /// with the same characters: as in the Functions worker, which hands every request a new string, each
    /// look-up compares the whole value rather than finding the very same reference.
    /// </summary>
    public AuthorizationRequest WarmRequest(int i)
    {
        if (!Authorizer.AuthorizeAsync(Request(i) with { CertificateValue = new string(Headers[i]) }).GetAwaiter().GetResult().IsAllowed)
        {
            throw new InvalidOperationException("the warm decision is not an allow: the figures would measure a failure path");
        }

        return Request(i);
    }

    /// <param name="certificates">How many QWACs to register.</param>
    /// <param name="certificateCacheSize">Verdict cache size.</param>
    /// <param name="bindingCacheSize">Binding cache size.</param>
    /// <param name="revocation">
    /// Check QTSP revocation from the CRL cache (the product default), with the catalogue's CRLs served from a
    /// shared CRL store; false is the explicit NoCheck.
    /// </param>
    public static DecisionFixture Create(int certificates, int certificateCacheSize, int bindingCacheSize = 100_000, bool revocation = false)
    {
        var catalogue = CertificateCatalogue.Shared;
        var now = catalogue.ReferenceTime.AddDays(1);
        var clock = new FixedClock(now);
        var anchors = new StaticTrustAnchorProvider([catalogue.Root.Certificate, catalogue.IssuingCa.Certificate], "benchmark");
        var options = new AuthorizerOptions
        {
            CertificateCacheSize = certificateCacheSize,
            BindingCacheSize = bindingCacheSize,
            ApiRoles = { ["accounts"] = ["PSP_AI"] },

            // The clock is fixed, so the feed read below stays fresh for the whole run.
            PropagationBound = TimeSpan.FromDays(1),
        };
        var chainOptions = new ChainValidationOptions { Revocation = revocation ? RevocationCheck.Online : RevocationCheck.NoCheck };
        CrlCache? crls = null;
        if (revocation)
        {
            var crlStore = new InMemoryCrlStore();
            foreach (var (url, crl) in catalogue.PublishCrls(now.AddHours(-1), TimeSpan.FromDays(7)))
            {
                crlStore.PutAsync(url, crl).GetAwaiter().GetResult();
            }

            crls = new CrlCache(chainOptions, clock, new HttpCrlDownloader(chainOptions), crlStore);
        }

        var store = new InMemoryBindingStore(clock);
        var headers = new string[certificates];
        for (var i = 0; i < certificates; i++)
        {
            var qwac = catalogue.IssuingCa.Issue(CertificateProfile.Qwac($"bench-{i}.tpp.example", Psd2Role.AccountInformation, Psd2Role.PaymentInitiation));
            headers[i] = PkiExport.Base64Der(qwac);
            store.RegisterAsync(CertificateBinding.For(qwac, ClientId(i), "benchmark", now)).GetAwaiter().GetResult();
        }

        var bindings = new BindingCache(options, clock);
        bindings.MarkFeedRead(now);
        var verifier = new CertificateVerifier(new ChainValidator(anchors, chainOptions, clock, crls), anchors, options, new CertificateReaderOptions(), clock);
        var authorizer = new Authorizer(verifier, bindings, store, options, clock);
        return new DecisionFixture(authorizer, bindings, verifier, anchors.Current!, headers, now);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

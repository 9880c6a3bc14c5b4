using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;

namespace TppGate.Benchmarks;

/// <summary>
/// A warm decision with 10 and with 100,000 other bindings cached: the cost must not depend on how many
/// bindings there are (the hot path is two hash look-ups and no storage).
/// </summary>
[MemoryDiagnoser]
public class ScaleBenchmarks
{
    private DecisionFixture _fixture = null!;
    private AuthorizationRequest _request = null!;

    [Params(10, 100_000)]
    public int CachedBindings { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = DecisionFixture.Create(certificates: 1, certificateCacheSize: 10_000, bindingCacheSize: 2 * CachedBindings + 16);
        for (var i = 0; i < CachedBindings; i++)
        {
            var sha256 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            _fixture.Bindings.Store(sha256, OtherBinding(sha256, i), _fixture.Bindings.Epoch);
        }

        _request = _fixture.WarmRequest(0);
    }

    [Benchmark(Description = "TppGate warm decision (allow)")]
    public bool WarmDecision() => _fixture.Authorizer.AuthorizeAsync(_request).GetAwaiter().GetResult().IsAllowed;

    internal static CertificateBinding OtherBinding(string sha256, int i) => new()
    {
        ClientId = "other-" + i,
        Sha256 = sha256,
        Thumbprint = sha256[..43],
        SpkiSha256 = sha256,
        Subject = "CN=other-" + i,
        Issuer = "CN=issuer",
        Roles = ["PSP_AI"],
        NotBefore = DateTimeOffset.UnixEpoch,
        NotAfter = DateTimeOffset.UnixEpoch.AddYears(100),
        CreatedBy = "benchmark",
        CreatedAt = DateTimeOffset.UnixEpoch,
    };
}

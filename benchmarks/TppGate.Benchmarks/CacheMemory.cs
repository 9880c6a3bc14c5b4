using System.Security.Cryptography;
using TppGate.Core.Certificates;

namespace TppGate.Benchmarks;

/// <summary>
/// <c>--cache-memory</c>: fills the two caches and prints the managed bytes each entry holds, so cache sizes
/// can be set from a memory budget (the binding cache is bounded by entry count, the verdict cache by weight: one unit
/// per entry plus one per 4,096 characters of header, so the typical header here weighs 1).
/// </summary>
internal static class CacheMemory
{
    public static int Run()
    {
        const int bindings = 100_000;
        const int certificates = 2_000;

        var fixture = DecisionFixture.Create(certificates, certificateCacheSize: 2 * certificates + 16, bindingCacheSize: 2 * bindings + 16);
        var before = Settled();
        for (var i = 0; i < bindings; i++)
        {
            var sha256 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            fixture.Bindings.Store(sha256, ScaleBenchmarks.OtherBinding(sha256, i), fixture.Bindings.Epoch);
        }

        var perBinding = (Settled() - before) / (double)bindings;

        // Certificate verdicts: since decision 0018 the key is the header value itself, which the cache keeps
        // alive after its request, so each is verified from a new string (as the Functions worker hands them) and counted.
        before = Settled();
        for (var i = 0; i < certificates; i++)
        {
            fixture.Verifier.Verify(new string(fixture.Headers[i]), CertificateSourceFormat.Base64, null, out _);
        }

        var perVerdict = (Settled() - before) / (double)fixture.Verifier.CachedCount;
        Console.WriteLine($"binding cache:  {bindings:N0} entries, {perBinding:N0} bytes per entry (the CertificateBinding record included)");
        Console.WriteLine($"verdict cache:  {fixture.Verifier.CachedCount:N0} entries, {perVerdict:N0} bytes per entry");
        Console.WriteLine($"defaults (Authorizer:BindingCacheSize 100,000, CertificateCacheSize 10,000): about {(perBinding * 100_000 + perVerdict * 10_000) / (1024 * 1024):N0} MiB at most");
        GC.KeepAlive(fixture);
        return 0;
    }

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

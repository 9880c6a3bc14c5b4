using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using TppGate.Core.Certificates;
using TppGate.Pki;

namespace TppGate.Benchmarks;

/// <summary>
/// Issue 12: looking up a certificate header (about 1,500 characters) that arrives as a new string, in a
/// dictionary keyed with the default ordinal comparer (how the handler's known-forwarder set worked before; the
/// dictionary hashes with a non-randomized ordinal hash until it sees many collisions) against the same dictionary keyed with <see cref="HeaderValueComparer"/> (seeded XxHash3,
/// then an ordinal comparison), in one run.
/// </summary>
[MemoryDiagnoser]
public class HeaderLookupBenchmarks
{
    private readonly ConcurrentDictionary<string, string> _ordinal = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _header = new(HeaderValueComparer.Instance);
    private string _probe = "";

    [GlobalSetup]
    public void Setup()
    {
        var value = PkiExport.Base64Der(CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac("apim.example")));
        _ordinal[new string(value)] = "forwarder";
        _header[new string(value)] = "forwarder";

        // Another string with the same characters, as each request brings.
        _probe = new string(value);
        if (Ordinal() is null || Header() is null)
        {
            throw new InvalidOperationException("the look-up misses: the figures would measure the wrong path");
        }
    }

    [Benchmark(Baseline = true, Description = "look-up, default ordinal comparer (before)")]
    public string? Ordinal() => _ordinal.TryGetValue(_probe, out var v) ? v : null;

    [Benchmark(Description = "look-up, HeaderValueComparer (after)")]
    public string? Header() => _header.TryGetValue(_probe, out var v) ? v : null;
}

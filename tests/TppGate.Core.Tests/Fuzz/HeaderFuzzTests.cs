using TppGate.Pki;
using TppGate.Testing.Fuzz;

namespace TppGate.Core.Tests.Fuzz;

/// <summary>
/// The CI share of the header fuzzer (tools/TppGate.Fuzz runs the same harness for a million inputs): mutated
/// values built from real catalogue certificates, through the reader and the authorizer. Deterministic seed.
/// </summary>
public sealed class HeaderFuzzTests
{
    private const int Seed = 20260101;
    private const int Inputs = 20_000;

    [Fact]
    public async Task Mutated_header_values_never_throw_and_never_allow_anything_but_a_registered_certificate()
    {
        var fuzzer = new HeaderFuzzer(CertificateCatalogue.Shared);

        var report = await fuzzer.RunAsync(Seed, Inputs, cancellationToken: TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine(report.Summary());
        Assert.True(report.ViolationCount == 0, report.Summary());
        Assert.Equal(Inputs, report.Inputs);

        // The run must reach the interesting paths, or it proves nothing: exact encodings allowed, readable
        // certificates denied by the chain, and most mutations refused by the reader.
        Assert.True(report.DecisionOutcomes.GetValueOrDefault("ALLOW_EXACT") > 100, report.Summary());
        Assert.True(report.DecisionOutcomes.GetValueOrDefault("CERTIFICATE_INVALID") > 1000, report.Summary());
        Assert.True(report.DecisionOutcomes.GetValueOrDefault("CERTIFICATE_NOT_BOUND") > 50, report.Summary());
        Assert.True(report.ReaderOutcomes.GetValueOrDefault("None") > 1000, report.Summary());
    }

    [Fact]
    public void Same_seed_generates_the_same_inputs()
    {
        var fuzzer = new HeaderFuzzer(CertificateCatalogue.Shared);

        var first = Enumerable.Range(0, 200).Select(i => fuzzer.Generate(Seed, i)).ToArray();
        var again = Enumerable.Range(0, 200).Select(i => fuzzer.Generate(Seed, i)).ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, Enumerable.Range(0, 200).Select(i => fuzzer.Generate(Seed + 1, i)).ToArray());
    }
}

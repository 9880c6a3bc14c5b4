using System.Globalization;
using System.Text;

namespace TppGate.Testing.Fuzz;

/// <summary>One input that broke an invariant: enough to reproduce it (seed and index) and to read it.</summary>
public sealed record FuzzViolation(int Seed, int Index, string Mutation, string Problem, string ValuePrefix);

/// <summary>What a fuzz run saw: inputs, time, outcomes of the reader and of the authorizer, and violations.</summary>
public sealed class FuzzReport
{
    private const int MaxViolationsKept = 20;

    /// <summary>The seed of the run.</summary>
    public required int Seed { get; init; }

    /// <summary>How many inputs were fed.</summary>
    public long Inputs { get; internal set; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>Reader outcomes: None or the <see cref="Core.Certificates.CertificateReadError"/> name.</summary>
    public SortedDictionary<string, long> ReaderOutcomes { get; } = new(StringComparer.Ordinal);

    /// <summary>Authorizer outcomes: ALLOW_EXACT, ALLOW_EQUIVALENT (same DER, other text) or the deny code.</summary>
    public SortedDictionary<string, long> DecisionOutcomes { get; } = new(StringComparer.Ordinal);

    /// <summary>Inputs by generator (mutation family).</summary>
    public SortedDictionary<string, long> Mutations { get; } = new(StringComparer.Ordinal);

    /// <summary>The first violations found (at most 20 kept).</summary>
    public List<FuzzViolation> Violations { get; } = [];

    /// <summary>A few allowed values that were not byte-identical to a registered encoding (same DER): for review.</summary>
    public List<string> EquivalentSamples { get; } = [];

    /// <summary>How many violations were found in all.</summary>
    public long ViolationCount { get; internal set; }

    internal void Count(SortedDictionary<string, long> table, string key)
    {
        table[key] = table.TryGetValue(key, out var n) ? n + 1 : 1;
    }

    internal void Add(FuzzViolation violation)
    {
        ViolationCount++;
        if (Violations.Count < MaxViolationsKept)
        {
            Violations.Add(violation);
        }
    }

    /// <summary>A plain-text summary: what a failing test prints and what the console tool shows.</summary>
    public string Summary()
    {
        var s = new StringBuilder();
        var rate = Elapsed.TotalSeconds > 0 ? Inputs / Elapsed.TotalSeconds : 0;
        s.Append(CultureInfo.InvariantCulture, $"seed {Seed}, {Inputs:N0} inputs in {Elapsed.TotalSeconds:F1} s ({rate:N0}/s), {ViolationCount} violations\n");
        Table(s, "generator", Mutations);
        Table(s, "reader", ReaderOutcomes);
        Table(s, "authorizer", DecisionOutcomes);
        foreach (var e in EquivalentSamples)
        {
            s.Append("ALLOW_EQUIVALENT sample: ").Append(e).Append('\n');
        }

        foreach (var v in Violations)
        {
            s.Append(CultureInfo.InvariantCulture, $"VIOLATION seed={v.Seed} index={v.Index} mutation={v.Mutation}: {v.Problem}\n  value: {v.ValuePrefix}\n");
        }

        return s.ToString();
    }

    private static void Table(StringBuilder s, string title, SortedDictionary<string, long> table)
    {
        s.Append(title).Append(":\n");
        foreach (var (key, n) in table.OrderByDescending(p => p.Value))
        {
            s.Append(CultureInfo.InvariantCulture, $"  {key,-28} {n,12:N0}\n");
        }
    }
}

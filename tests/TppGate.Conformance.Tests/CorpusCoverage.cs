namespace TppGate.Conformance.Tests;

/// <summary>Keeps the tests in step with the corpus: a file added to it without a test fails here.</summary>
public sealed class CorpusCoverage
{
    [Fact]
    public void The_corpus_is_present()
    {
        Assert.True(File.Exists(Path.Combine(Corpus.Directory, "CASES.md")), $"CASES.md missing in {Corpus.Directory}");
    }

    [Fact]
    public void Every_corpus_file_is_named_by_a_test()
    {
        var sources = string.Concat(
            new[] { typeof(CertsCases), typeof(PkilintCases), typeof(HeaderCases) }
                .Select(t => Path.Combine(AppContext.BaseDirectory, "cases", t.Name + ".cs"))
                .Where(File.Exists)
                .Select(File.ReadAllText));
        Assert.False(string.IsNullOrEmpty(sources), "the case sources are copied beside the tests to check coverage");

        var missing = Directory.EnumerateFiles(Corpus.Directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Corpus.Directory, f).Replace('\\', '/'))
            .Where(f => f != "CASES.md" && !f.EndsWith(".expected.csv", StringComparison.Ordinal))
            .Where(f => !sources.Contains(f, StringComparison.Ordinal) && !sources.Contains(CaseName(f), StringComparison.Ordinal))
            .ToList();

        Assert.Empty(missing);
    }

    // pkilint files are named by case: psd2_eidas_pre_certificate__psp_roles_good.pem is "psp_roles_good".
    private static string CaseName(string relative)
    {
        var name = Path.GetFileNameWithoutExtension(relative);
        var i = name.IndexOf("__", StringComparison.Ordinal);
        return i < 0 ? "\u0000" : name[(i + 2)..];
    }
}

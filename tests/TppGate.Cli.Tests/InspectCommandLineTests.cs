namespace TppGate.Cli.Tests;

/// <summary>What the hand-written parser accepted and System.CommandLine must accept the same way.</summary>
public sealed class InspectCommandLineTests : IDisposable
{
    private readonly CliTestPki pki = new();

    public void Dispose() => pki.Dispose();

    [Theory]
    [InlineData("PEM")]
    [InlineData("Pem")]
    [InlineData("pem")]
    public void Format_names_are_read_in_any_case(string format)
    {
        var file = pki.Write("leaf.pem", pki.Leaf.ExportCertificatePem());

        var run = CliRunner.Run("inspect", file, "--format", format, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("pem", run.Json.GetProperty("format").GetString());
    }

    [Fact]
    public void A_file_name_starting_with_at_is_a_file_not_a_response_file()
    {
        // Relative to the working directory, so the argument itself starts with '@'.
        var name = $"@tppgate-at-{Guid.NewGuid():N}.pem";
        File.WriteAllText(name, pki.Leaf.ExportCertificatePem());
        try
        {
            var run = CliRunner.Run("inspect", name, "--json");

            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal(pki.Sha256Hex(pki.Leaf), run.Json.GetProperty("thumbprints").GetProperty("sha256").GetString());
        }
        finally
        {
            File.Delete(name);
        }
    }

    [Fact]
    public void Repeated_chain_and_anchors_options_each_take_one_file()
    {
        var leaf = pki.Write("leaf.pem", pki.Leaf.ExportCertificatePem());
        var root = pki.Write("root.pem", pki.Root.ExportCertificatePem());
        var issuing = pki.Write("issuing.pem", pki.Issuing.ExportCertificatePem());

        var run = CliRunner.Run("inspect", "--anchors", root, leaf, "--chain", issuing, "--anchors", issuing, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, run.Json.GetProperty("chainCertificates").GetInt32());
        Assert.True(run.Json.GetProperty("chain").GetProperty("trusted").GetBoolean());
    }
}

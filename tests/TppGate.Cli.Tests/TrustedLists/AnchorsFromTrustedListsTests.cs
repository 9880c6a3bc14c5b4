using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TppGate.Testing.TrustedLists;

namespace TppGate.Cli.Tests.TrustedLists;

/// <summary><c>tppgate anchors from-trusted-lists</c> against the real lists in ../shared/trusted-lists and expected.json.</summary>
public sealed class AnchorsFromTrustedListsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tppgate-tl-cli-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string SignerPem()
    {
        var path = Path.Combine(_folder.FullName, "lotl-signer.pem");
        File.WriteAllText(path, PemEncoding.WriteString("CERTIFICATE", SharedTrustedLists.LotlSigner()));
        return path;
    }

    private CliRun RunShared(string lotl = "eu-lotl.xml", params string[] extra)
    {
        string[] args = ["anchors", "from-trusted-lists", "--lotl", SharedTrustedLists.PathOf(lotl), "--lotl-signer", SignerPem(), "--at", "2019-09-05T00:00:00Z",
            .. SharedTrustedLists.NationalLists.SelectMany(l => new[] { "--list", SharedTrustedLists.PathOf(l) }), .. extra];
        return CliRunner.Run(args);
    }

    [Fact]
    public void Json_report_of_the_real_lists_matches_expected_json_and_exits_0()
    {
        var run = RunShared("eu-lotl.xml", "--json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var json = run.Json;
        Assert.Equal(248, json.GetProperty("lotl").GetProperty("sequenceNumber").GetInt64());
        Assert.True(json.GetProperty("lotl").GetProperty("signatureValid").GetBoolean());
        var expectedAnchors = new List<(string, string, string, string)>();
        foreach (var name in SharedTrustedLists.NationalLists)
        {
            var expected = SharedTrustedLists.ExpectedFile(name);
            var territory = expected.GetProperty("SchemeTerritory").GetString()!;
            var list = json.GetProperty("lists").EnumerateArray().Single(l => l.GetProperty("file").GetString()!.EndsWith(name, StringComparison.Ordinal));
            Assert.Equal(territory, list.GetProperty("territory").GetString());
            Assert.Equal(expected.GetProperty("TSLSequenceNumber").GetInt64(), list.GetProperty("sequenceNumber").GetInt64());
            Assert.True(list.GetProperty("signatureValid").GetBoolean());
            Assert.True(list.GetProperty("accepted").GetBoolean());
            Assert.Equal(JsonValueKind.Null, list.GetProperty("reason").ValueKind);
            foreach (var service in expected.GetProperty("qwac_ca_services").EnumerateArray())
            {
                foreach (var hash in service.GetProperty("cert_sha256").EnumerateArray())
                {
                    expectedAnchors.Add((hash.GetString()!, territory, service.GetProperty("tsp_name").GetString()!, service.GetProperty("service_name").GetString()!));
                }
            }
        }

        var anchors = json.GetProperty("anchors").EnumerateArray()
            .Select(a => (a.GetProperty("sha256").GetString()!, a.GetProperty("territory").GetString()!, a.GetProperty("tsp").GetString()!, a.GetProperty("service").GetString()!))
            .Order().ToList();
        Assert.Equal(expectedAnchors.Order().ToList(), anchors);
    }

    [Theory]
    [InlineData("eu-lotl-broken-sig.xml", "BAD_SIGNATURE")]
    [InlineData("eu-lotl-no-sig.xml", "UNSIGNED")]
    [InlineData("eu-lotl-not-parseable.xml", "NOT_WELL_FORMED")]
    public void A_defective_LOTL_exits_2_names_the_reason_and_writes_no_bundle(string lotl, string reason)
    {
        var output = Path.Combine(_folder.FullName, "anchors.pem");

        var run = RunShared(lotl, "--json", "--out", output);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(reason, run.Json.GetProperty("lotl").GetProperty("reason").GetString());
        Assert.False(run.Json.GetProperty("lotl").GetProperty("signatureValid").GetBoolean());
        Assert.All(run.Json.GetProperty("lists").EnumerateArray(), l => Assert.Equal("LOTL_REFUSED", l.GetProperty("reason").GetString()));
        Assert.Empty(run.Json.GetProperty("anchors").EnumerateArray());
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void The_bundle_from_out_makes_a_real_QWAC_chain_to_the_real_service_certificate_that_issued_it()
    {
        // qwac-safeconnect-gb-fca.cer was issued by PT's "MULTICERT SSL Certification Authority 001" (README of the folder).
        var output = Path.Combine(_folder.FullName, "anchors.pem");
        Assert.Equal(0, RunShared("eu-lotl.xml", "--out", output).ExitCode);
        var qwac = Path.GetFullPath(Path.Combine(SharedTrustedLists.Directory, "..", "conformance", "certs", "qwac-safeconnect-gb-fca.cer"));
        var plain = Path.Combine(_folder.FullName, "plain.pem");
        File.WriteAllText(plain, string.Join('\n', File.ReadAllLines(output).Where(l => !l.StartsWith("TppGate-Trust-Anchors:", StringComparison.Ordinal))));

        var withBundle = CliRunner.Run("inspect", qwac, "--anchors", output, "--at", "2019-10-01T00:00:00Z", "--json");
        var withoutMarker = CliRunner.Run("inspect", qwac, "--anchors", plain, "--at", "2019-10-01T00:00:00Z", "--json");

        Assert.True(withBundle.Json.GetProperty("chain").GetProperty("trusted").GetBoolean(), withBundle.Stdout);
        Assert.False(withoutMarker.Json.GetProperty("chain").GetProperty("trusted").GetBoolean());
        Assert.Contains("ff453a5413ea558fe7062ab6fe831073e7f30fe6ba75b82ead5209db0775cad0", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_goes_to_stderr_only_when_it_is_a_terminal()
    {
        string[] args = ["anchors", "from-trusted-lists", "--lotl", SharedTrustedLists.PathOf("eu-lotl.xml"), "--lotl-signer", SignerPem(), "--at", "2019-09-05T00:00:00Z", "--json"];
        using var quiet = new StringWriter();
        using var terminal = new StringWriter();
        using var stdout1 = new StringWriter();
        using var stdout2 = new StringWriter();

        Assert.Equal(0, CliApp.Run(args, Stream.Null, stdout1, quiet, new FakeTimeProvider(CliRunner.Now)));
        Assert.Equal(0, CliApp.Run(args, Stream.Null, stdout2, terminal, new FakeTimeProvider(CliRunner.Now), stderrIsTerminal: true));

        Assert.Equal(string.Empty, quiet.ToString());
        Assert.Contains("LOTL accepted", terminal.ToString(), StringComparison.Ordinal);
        Assert.Equal(stdout1.ToString(), stdout2.ToString());
    }

    [Fact]
    public void Missing_required_options_are_a_usage_error()
    {
        var run = CliRunner.Run("anchors", "from-trusted-lists", "--lotl", "x.xml");

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("--lotl-signer", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_signer_file_exits_2_with_a_code()
    {
        var run = CliRunner.Run("anchors", "from-trusted-lists", "--lotl", "x.xml", "--lotl-signer", Path.Combine(_folder.FullName, "missing.pem"), "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("FILE_UNREADABLE", run.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void With_the_wrong_pinned_signer_the_real_LOTL_is_refused()
    {
        var other = Path.Combine(_folder.FullName, "other.pem");
        using var key = ECDsa.Create();
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Not the LOTL signer", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        File.WriteAllText(other, certificate.ExportCertificatePem(), Encoding.ASCII);

        var run = CliRunner.Run("anchors", "from-trusted-lists", "--lotl", SharedTrustedLists.PathOf("eu-lotl.xml"), "--lotl-signer", other, "--at", "2019-09-05T00:00:00Z", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("SIGNER_NOT_ANNOUNCED", run.Json.GetProperty("lotl").GetProperty("reason").GetString());
        Assert.True(run.Json.GetProperty("lotl").GetProperty("signatureValid").GetBoolean());
    }
}

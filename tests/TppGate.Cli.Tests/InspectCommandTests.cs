using System.Text;
using System.Text.Json;

namespace TppGate.Cli.Tests;

public sealed class InspectCommandTests : IDisposable
{
    private readonly CliTestPki pki = new();

    public void Dispose() => pki.Dispose();

    private string LeafPem => pki.Leaf.ExportCertificatePem();

    private string LeafBase64 => Convert.ToBase64String(pki.Leaf.RawData);

    private static void AssertReadsLeaf(CliRun run, string sha256, string format, int chainCertificates = 0)
    {
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var json = run.Json;
        Assert.Equal(sha256, json.GetProperty("thumbprints").GetProperty("sha256").GetString());
        Assert.Equal(format, json.GetProperty("format").GetString());
        Assert.Equal(chainCertificates, json.GetProperty("chainCertificates").GetInt32());
        Assert.Equal("CN=tpp.example, O=TppGate Tests, C=GB", json.GetProperty("subject").GetString());
    }

    [Fact]
    public void Raw_DER_file_is_read()
    {
        var file = pki.Write("leaf.cer", pki.Leaf.RawData);

        AssertReadsLeaf(CliRunner.Run("inspect", file, "--json"), pki.Sha256Hex(pki.Leaf), "der");
    }

    [Fact]
    public void Bare_base64_as_App_Service_forwards_it_is_read()
    {
        var file = pki.Write("leaf.b64", LeafBase64);

        AssertReadsLeaf(CliRunner.Run("inspect", file, "--format", "base64", "--json"), pki.Sha256Hex(pki.Leaf), "base64");
    }

    [Fact]
    public void PEM_file_is_read()
    {
        var file = pki.Write("leaf.pem", LeafPem);

        AssertReadsLeaf(CliRunner.Run("inspect", file, "--json"), pki.Sha256Hex(pki.Leaf), "pem");
    }

    [Fact]
    public void URL_encoded_PEM_is_read()
    {
        var file = pki.Write("leaf.urlpem", Uri.EscapeDataString(LeafPem));

        AssertReadsLeaf(CliRunner.Run("inspect", file, "--format", "urlpem", "--json"), pki.Sha256Hex(pki.Leaf), "urlpem");
    }

    [Fact]
    public void RFC_9440_byte_sequence_is_read()
    {
        var file = pki.Write("client-cert.txt", $":{LeafBase64}:");

        AssertReadsLeaf(CliRunner.Run("inspect", file, "--format", "rfc9440", "--json"), pki.Sha256Hex(pki.Leaf), "rfc9440");
    }

    [Fact]
    public void XFCC_element_with_a_chain_is_read_with_its_chain()
    {
        var xfcc = $"Hash={pki.Sha256Hex(pki.Leaf)};Cert=\"{Uri.EscapeDataString(LeafPem)}\";Chain=\"{Uri.EscapeDataString(pki.Issuing.ExportCertificatePem())}\";Subject=\"CN=tpp.example\"";
        var file = pki.Write("xfcc.txt", xfcc);

        var run = CliRunner.Run("inspect", file, "--format", "xfcc", "--json");

        AssertReadsLeaf(run, pki.Sha256Hex(pki.Leaf), "xfcc", chainCertificates: 1);
        Assert.Equal("CN=CLI Test Issuing CA, O=TppGate Tests, C=GB", run.Json.GetProperty("chainSubjects")[0].GetString());
    }

    [Fact]
    public void Standard_input_is_read_when_the_file_is_a_dash()
    {
        var run = CliRunner.Run(Encoding.ASCII.GetBytes(LeafPem), "inspect", "-", "--json");

        AssertReadsLeaf(run, pki.Sha256Hex(pki.Leaf), "pem");
    }

    [Fact]
    public void Chain_file_in_RFC_9440_list_form_adds_chain_certificates()
    {
        var leaf = pki.Write("leaf.pem", LeafPem);
        var chain = pki.Write("chain.txt", $":{Convert.ToBase64String(pki.Issuing.RawData)}:, :{Convert.ToBase64String(pki.Root.RawData)}:");

        var run = CliRunner.Run("inspect", leaf, "--chain", chain, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.Json.GetProperty("chainCertificates").GetInt32());
    }

    [Fact]
    public void Chain_file_of_concatenated_DER_in_base64_is_split_into_certificates()
    {
        var leaf = pki.Write("leaf.pem", LeafPem);
        var chain = pki.Write("chain.b64", Convert.ToBase64String([.. pki.Issuing.RawData, .. pki.Root.RawData]));

        var run = CliRunner.Run("inspect", leaf, "--chain", chain, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.Json.GetProperty("chainCertificates").GetInt32());
    }

    [Fact]
    public void JSON_report_has_every_field_with_nulls_for_absent_content()
    {
        var file = pki.Write("leaf.pem", LeafPem);

        var json = CliRunner.Run("inspect", file, "--json").Json;

        Assert.Equal("CN=CLI Test Issuing CA, O=TppGate Tests, C=GB", json.GetProperty("issuer").GetString());
        Assert.Equal(pki.Leaf.SerialNumber, json.GetProperty("serialNumber").GetString());
        Assert.Equal(pki.Leaf.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), json.GetProperty("notBefore").GetString());
        Assert.Equal("2026-07-31T12:00:00Z", json.GetProperty("notAfter").GetString());
        var thumbprints = json.GetProperty("thumbprints");
        Assert.Equal(43, thumbprints.GetProperty("x5tS256").GetString()!.Length);
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pki.Leaf.PublicKey.ExportSubjectPublicKeyInfo())),
            thumbprints.GetProperty("spkiSha256").GetString());
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], json.GetProperty("extendedKeyUsage").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["tpp.example", "api.tpp.example"], json.GetProperty("subjectAlternativeNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("organizationIdentifier").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("qcStatements").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("chain").ValueKind);
        Assert.Equal(JsonValueKind.Array, json.GetProperty("findings").ValueKind);
    }

    [Fact]
    public void Human_output_shows_the_thumbprint_and_no_JSON()
    {
        var file = pki.Write("leaf.pem", LeafPem);

        var run = CliRunner.Run("inspect", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(pki.Sha256Hex(pki.Leaf), run.Stdout, StringComparison.Ordinal);
        Assert.Contains("clientAuth", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("{", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Chain_to_the_given_anchors_is_trusted()
    {
        var leaf = pki.Write("leaf.pem", LeafPem);

        var chain = CliRunner.Run("inspect", leaf, "--anchors", pki.AnchorsFile(), "--json").Json.GetProperty("chain");

        Assert.True(chain.GetProperty("trusted").GetBoolean());
        Assert.Empty(chain.GetProperty("reasons").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, chain.GetProperty("code").ValueKind);
        Assert.Equal("2026-06-01T12:00:00Z", chain.GetProperty("validatedAt").GetString());
    }

    [Fact]
    public void Chain_to_other_anchors_is_untrusted_with_a_reason_and_a_code()
    {
        var leaf = pki.Write("leaf.pem", LeafPem);
        var anchors = pki.Write("other.pem", pki.OtherRoot.ExportCertificatePem());

        var run = CliRunner.Run("inspect", leaf, "--anchors", anchors, "--json");

        Assert.Equal(0, run.ExitCode);
        var chain = run.Json.GetProperty("chain");
        Assert.False(chain.GetProperty("trusted").GetBoolean());
        Assert.Equal(["Untrusted"], chain.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("CERTIFICATE_INVALID", chain.GetProperty("code").GetString());
    }

    [Fact]
    public void Validation_after_expiry_with_at_is_expired()
    {
        var leaf = pki.Write("leaf.pem", LeafPem);

        var chain = CliRunner.Run("inspect", leaf, "--anchors", pki.AnchorsFile(), "--at", "2026-09-01T00:00:00Z", "--json").Json.GetProperty("chain");

        Assert.False(chain.GetProperty("trusted").GetBoolean());
        Assert.Equal(["Expired"], chain.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("CERTIFICATE_EXPIRED", chain.GetProperty("code").GetString());
        Assert.Equal("2026-09-01T00:00:00Z", chain.GetProperty("validatedAt").GetString());
    }

    [Fact]
    public void Anchors_given_as_DER_are_read()
    {
        var leaf = pki.Write("leaf.pem", LeafPem);
        var root = pki.Write("root.cer", pki.Root.RawData);
        var issuing = pki.Write("issuing.cer", pki.Issuing.RawData);

        var chain = CliRunner.Run("inspect", leaf, "--anchors", root, "--anchors", issuing, "--json").Json.GetProperty("chain");

        Assert.True(chain.GetProperty("trusted").GetBoolean());
    }

    [Fact]
    public void Invalid_base64_exits_2_with_an_upper_snake_code_on_stdout_in_JSON_mode()
    {
        var file = pki.Write("bad.txt", "MIIB$$$not-base64***");

        var run = CliRunner.Run("inspect", file, "--format", "base64", "--json");

        Assert.Equal(2, run.ExitCode);
        var error = run.Json.GetProperty("error");
        Assert.Equal("INVALID_BASE64", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public void Unreadable_input_without_json_writes_the_error_to_stderr_only()
    {
        var file = pki.Write("bad.txt", "MIIB$$$not-base64***");

        var run = CliRunner.Run("inspect", file, "--format", "base64");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains("INVALID_BASE64", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void XFCC_without_a_Cert_key_exits_2()
    {
        var file = pki.Write("xfcc.txt", "By=http://frontend.example;Hash=abcd;URI=http://client.example");

        var run = CliRunner.Run("inspect", file, "--format", "xfcc", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("NO_CERTIFICATE_IN_ELEMENT", run.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Missing_file_exits_2()
    {
        var run = CliRunner.Run("inspect", "/nonexistent/tppgate/leaf.pem", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("FILE_UNREADABLE", run.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Unreadable_anchors_exit_2()
    {
        var leaf = pki.Write("leaf.pem", LeafPem);
        var anchors = pki.Write("anchors.txt", "not a certificate at all");

        var run = CliRunner.Run("inspect", leaf, "--anchors", anchors, "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("INVALID_ANCHORS", run.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("frobnicate")]
    [InlineData("inspect")]
    [InlineData("inspect a.pem --format jpeg")]
    [InlineData("inspect a.pem --bogus")]
    [InlineData("inspect a.pem b.pem")]
    [InlineData("inspect a.pem --anchors")]
    [InlineData("inspect a.pem --at 2026-01-01T00:00:00Z")]
    [InlineData("inspect a.pem --anchors r.pem --at yesterday")]
    public void Usage_errors_exit_64_with_the_usage(string commandLine)
    {
        var run = CliRunner.Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("usage: tppgate inspect", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact]
    public void Help_exits_0()
    {
        var run = CliRunner.Run("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("usage: tppgate inspect", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InvalidBase64", "INVALID_BASE64")]
    [InlineData("NoCertificateInElement", "NO_CERTIFICATE_IN_ELEMENT")]
    [InlineData("InvalidDer", "INVALID_DER")]
    [InlineData("TooLarge", "TOO_LARGE")]
    public void Error_names_become_upper_snake_codes(string name, string code)
        => Assert.Equal(code, InspectCommand.ToUpperSnake(name));
}

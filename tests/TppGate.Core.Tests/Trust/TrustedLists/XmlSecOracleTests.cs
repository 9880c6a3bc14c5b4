using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using TppGate.Core.Trust.TrustedLists;
using TppGate.Testing.TrustedLists;

namespace TppGate.Core.Tests.Trust.TrustedLists;

/// <summary>
/// xmlsec1 (libxmlsec1 over OpenSSL) as an independent oracle: on every shared file and on lists signed and
/// tampered in code, the signature verdict must be the one xmlsec1 gives with the certificate in KeyInfo.
/// .ci/run installs xmlsec1; a machine without it skips with a message.
/// </summary>
public sealed class XmlSecOracleTests(TrustedListFixture f) : IClassFixture<TrustedListFixture>
{
    public static TheoryData<string> SharedFiles => ["eu-lotl.xml", "eu-lotl-broken-sig.xml", "PT.xml", "NO.xml", "BG.xml", "MT.xml"];

    [Theory]
    [MemberData(nameof(SharedFiles))]
    public void Our_verdict_on_a_shared_list_agrees_with_xmlsec1(string name)
        => AssertAgrees(name, SharedTrustedLists.Read(name));

    [Fact]
    public void Our_verdict_on_lists_signed_and_tampered_in_code_agrees_with_xmlsec1()
    {
        var signed = new TestTrustedList().AddQwacCa("TSP", "CA", f.QwacCa).Sign(f.Portugal);
        var text = Encoding.UTF8.GetString(signed);
        var tamperedDocument = Encoding.UTF8.GetBytes(text.Replace("<TSLSequenceNumber>10<", "<TSLSequenceNumber>11<", StringComparison.Ordinal));
        var tamperedProperties = Encoding.UTF8.GetBytes(text.Replace("2026-05-01T00:00:00Z</xades:SigningTime>", "2026-05-02T00:00:00Z</xades:SigningTime>", StringComparison.Ordinal));
        Assert.NotEqual(text, Encoding.UTF8.GetString(tamperedProperties));

        Assert.True(AssertAgrees("signed", signed));
        Assert.False(AssertAgrees("tampered document", tamperedDocument));
        Assert.False(AssertAgrees("tampered SignedProperties", tamperedProperties));
    }

    private static bool AssertAgrees(string name, byte[] content)
    {
        var xmlsec = FindXmlSec();
        Assert.Equal(TrustedListRefusal.None, TrustedListDocument.TryLoad(content, 32 << 20, out var document, out var error));
        var ours = TrustedListSignatureVerifier.Verify(document!);
        Assert.True(ours.Signer is not null, $"{name}: {ours.Detail}");

        var folder = Directory.CreateTempSubdirectory("tppgate-xmlsec-");
        try
        {
            var file = Path.Combine(folder.FullName, "list.xml");
            var pem = Path.Combine(folder.FullName, "signer.pem");
            File.WriteAllBytes(file, content);
            File.WriteAllText(pem, PemEncoding.WriteString("CERTIFICATE", ours.Signer));
            var (exit, output) = Run(xmlsec, "--verify", "--pubkey-cert-pem", pem, "--id-attr:Id", "TrustServiceStatusList",
                "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", "--enabled-reference-uris", "empty,same-doc", file);
            var theirs = exit == 0;
            Assert.True(theirs == (ours.Status == SignatureStatus.Valid), $"{name}: we say {ours.Status} ({ours.Detail}), xmlsec1 exited {exit}: {output}");
            return theirs;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string FindXmlSec()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "xmlsec1");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Skip("xmlsec1 is not installed here (Debian package xmlsec1; .ci/run installs it): the oracle comparison did not run");
        return string.Empty;
    }

    private static (int Exit, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}

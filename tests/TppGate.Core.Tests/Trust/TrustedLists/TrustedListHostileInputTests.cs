using System.Net;
using System.Net.Sockets;
using System.Text;
using TppGate.Core.Trust.TrustedLists;
using TppGate.Testing.TrustedLists;

namespace TppGate.Core.Tests.Trust.TrustedLists;

/// <summary>
/// Hostile documents: DTDs, entities, oversize input, signatures that point outside the document or carry transforms
/// a trusted list never has. Each is refused before it can make the process fetch, expand or evaluate anything; a
/// listener on loopback proves no connection was attempted.
/// </summary>
public sealed class TrustedListHostileInputTests(TrustedListFixture f) : IClassFixture<TrustedListFixture>, IDisposable
{
    private readonly TcpListener _listener = StartListener();

    private string Trap => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/trap.xml";

    public void Dispose() => _listener.Stop();

    [Fact]
    public void A_DTD_with_an_internal_entity_is_refused()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE TrustServiceStatusList [<!ENTITY t \"PT\">]><TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\">&t;</TrustServiceStatusList>";

        Assert.Equal(TrustedListRefusal.NotWellFormed, Load(xml, out var error));
        Assert.Contains("DTD", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_external_entity_is_refused_without_a_fetch()
    {
        var xml = $"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"{Trap}\">]><TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\">&x;</TrustServiceStatusList>";

        Assert.Equal(TrustedListRefusal.NotWellFormed, Load(xml, out _));
        Assert.False(_listener.Pending(), "the document made the parser connect out");
    }

    [Fact]
    public void An_external_DTD_is_refused_without_a_fetch()
    {
        var xml = $"<?xml version=\"1.0\"?><!DOCTYPE TrustServiceStatusList SYSTEM \"{Trap}\"><TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\"/>";

        Assert.Equal(TrustedListRefusal.NotWellFormed, Load(xml, out _));
        Assert.False(_listener.Pending(), "the document made the parser connect out");
    }

    [Fact]
    public void Billion_laughs_is_refused()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (var i = 1; i < 10; i++)
        {
            sb.Append("<!ENTITY lol").Append(i).Append(" \"").Append(string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? string.Empty : (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))};", 10))).Append("\">");
        }

        sb.Append("]><TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\">&lol9;</TrustServiceStatusList>");

        Assert.Equal(TrustedListRefusal.NotWellFormed, Load(sb.ToString(), out _));
    }

    [Fact]
    public void A_list_over_the_size_cap_is_refused_unparsed()
    {
        var lotl = f.Lotl();
        var big = new TestTrustedList();
        for (var i = 0; i < 20; i++)
        {
            big.AddQwacCa("TSP", $"CA {i}", f.QwacCa);
        }

        var list = big.Sign(f.Portugal);
        Assert.True(list.Length > lotl.Length + 1);

        var import = f.Import(lotl, [list], options: new TrustedListImportOptions { MaxListBytes = lotl.Length + 1 });

        Assert.Equal(TrustedListRefusal.TooLarge, import.Lists[0].Refusal);
    }

    [Fact]
    public void A_document_reference_to_an_external_URI_is_refused_without_a_fetch()
    {
        var signed = SignedPortugal().Replace("<Reference URI=\"\">", $"<Reference URI=\"{Trap}\">", StringComparison.Ordinal);
        Assert.Contains(Trap, signed, StringComparison.Ordinal);

        AssertUnsupported(signed);
    }

    [Fact]
    public void A_third_reference_to_an_external_URI_is_refused_without_a_fetch()
    {
        var extra = $"<Reference URI=\"{Trap}\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue>AAAA</DigestValue></Reference></SignedInfo>";
        var signed = SignedPortugal().Replace("</SignedInfo>", extra, StringComparison.Ordinal);

        AssertUnsupported(signed);
    }

    [Fact]
    public void An_XSLT_or_XPath_transform_is_refused()
    {
        var xslt = "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"><xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"1.0\"/></Transform></Transforms>";
        var xpath = "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><XPath>true()</XPath></Transform></Transforms>";

        AssertUnsupported(ReplaceFirst(SignedPortugal(), "</Transforms>", xslt));
        AssertUnsupported(ReplaceFirst(SignedPortugal(), "</Transforms>", xpath));
    }

    [Fact]
    public void A_second_element_with_the_SignedProperties_id_is_refused()
    {
        var signed = SignedPortugal().Replace("</SchemeInformation>", "<Extra Id=\"xades-sig-test\"/></SchemeInformation>", StringComparison.Ordinal);

        AssertUnsupported(signed);
    }

    [Fact]
    public void A_signature_that_is_not_a_child_of_the_root_is_refused()
    {
        var signed = SignedPortugal();
        var start = signed.IndexOf("<Signature", StringComparison.Ordinal);
        var end = signed.IndexOf("</Signature>", StringComparison.Ordinal) + "</Signature>".Length;
        var moved = signed.Remove(start, end - start).Replace("</SchemeInformation>", signed[start..end] + "</SchemeInformation>", StringComparison.Ordinal);

        AssertUnsupported(moved);
    }

    private string SignedPortugal()
    {
        var xml = TestTrustedList.SignXml(new TestTrustedList().AddQwacCa("TSP", "CA", f.QwacCa).ToXml(), f.Portugal);

        var document = new System.Xml.XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        Assert.Equal(SignatureStatus.Valid, TrustedListSignatureVerifier.Verify(document).Status);

        // SignedXml writes the signature in the default namespace, without the ds prefix real lists use.
        return xml;
    }

    private void AssertUnsupported(string xml)
    {
        var import = f.Import(f.Lotl(), [Encoding.UTF8.GetBytes(xml)]);

        Assert.Equal(TrustedListRefusal.UnsupportedSignature, import.Lists[0].Refusal);
        Assert.Empty(import.Anchors);
        Assert.False(_listener.Pending(), "the signature made the verifier connect out");
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var i = text.IndexOf(what, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{what}' not found");
        return string.Concat(text.AsSpan(0, i), with, text.AsSpan(i + what.Length));
    }

    private static TrustedListRefusal Load(string xml, out string? error)
        => TrustedListDocument.TryLoad(Encoding.UTF8.GetBytes(xml), 1 << 20, out _, out error);

    private static TcpListener StartListener()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}

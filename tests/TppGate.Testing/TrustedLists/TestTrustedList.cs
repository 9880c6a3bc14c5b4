using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using TppGate.Core.Trust.TrustedLists;

namespace TppGate.Testing.TrustedLists;

/// <summary>
/// Writes a TS 119 612 trusted list (a LOTL or a national list) and signs it as the EU does: an enveloped XAdES
/// signature with two references, the document (enveloped + exclusive c14n) and the SignedProperties.
/// </summary>
public sealed class TestTrustedList
{
    private readonly List<(string Territory, string Type, string Mime, string Location, byte[][] Signers)> _pointers = [];
    private readonly List<(string Tsp, string Name, string Type, string Status, bool Wsa, byte[][] Certificates)> _services = [];
    private readonly List<string> _schemeUris = ["https://example.test/legal-notice.html"];

    /// <summary>TSLType.</summary>
    public string Type { get; init; } = TrustedListUris.NationalListType;

    /// <summary>SchemeTerritory.</summary>
    public string Territory { get; init; } = "PT";

    /// <summary>TSLSequenceNumber.</summary>
    public long Sequence { get; init; } = 10;

    /// <summary>ListIssueDateTime.</summary>
    public DateTimeOffset Issued { get; init; } = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>NextUpdate; null writes a closed list.</summary>
    public DateTimeOffset? NextUpdate { get; init; } = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A LOTL for <paramref name="sequence"/> that announces <paramref name="lotlSigners"/> as its own signers.</summary>
    public static TestTrustedList Lotl(long sequence, params TestListSigner[] lotlSigners)
    {
        var list = new TestTrustedList { Type = TrustedListUris.LotlType, Territory = "EU", Sequence = sequence };
        list.AddPointer("EU", TrustedListUris.LotlType, "https://example.test/eu-lotl.xml", [.. lotlSigners.Select(s => s.Der)]);
        return list;
    }

    /// <summary>Adds an OtherTSLPointer (with the XML MIME type).</summary>
    public TestTrustedList AddPointer(string territory, string type, string location, byte[][] signers, string mime = TrustedListUris.XmlMimeType)
    {
        _pointers.Add((territory, type, mime, location, signers));
        return this;
    }

    /// <summary>Points at a national list for <paramref name="territory"/> signed by <paramref name="signers"/>.</summary>
    public TestTrustedList AnnounceNational(string territory, params TestListSigner[] signers)
        => AddPointer(territory, TrustedListUris.NationalListType, $"https://example.test/{territory}.xml", [.. signers.Select(s => s.Der)]);

    /// <summary>Adds a SchemeInformationURI (a LOTL names its pivots here, most recent first).</summary>
    public TestTrustedList AddSchemeUri(string uri)
    {
        _schemeUris.Add(uri);
        return this;
    }

    /// <summary>Adds a TSPService.</summary>
    public TestTrustedList AddService(string tsp, string name, string type, string status, bool forWebSiteAuthentication, params byte[][] certificates)
    {
        _services.Add((tsp, name, type, status, forWebSiteAuthentication, certificates));
        return this;
    }

    /// <summary>Adds a granted CA/QC service for website authentication: a QWAC anchor.</summary>
    public TestTrustedList AddQwacCa(string tsp, string name, params X509Certificate2[] certificates)
        => AddService(tsp, name, TrustedListUris.CaQcServiceType, TrustedListUris.GrantedStatus, true, [.. certificates.Select(c => c.RawData)]);

    /// <summary>The unsigned XML.</summary>
    public string ToXml()
    {
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<TrustServiceStatusList xmlns=\"{TrustedListUris.TslNamespace}\" xmlns:ns4=\"{TrustedListUris.AdditionalTypesNamespace}\" Id=\"tsl\" TSLTag=\"http://uri.etsi.org/19612/TSLTag\">\n");
        sb.Append("  <SchemeInformation>\n    <TSLVersionIdentifier>5</TSLVersionIdentifier>\n");
        sb.Append(CultureInfo.InvariantCulture, $"    <TSLSequenceNumber>{Sequence}</TSLSequenceNumber>\n    <TSLType>{Type}</TSLType>\n");
        sb.Append("    <SchemeOperatorName><Name xml:lang=\"en\">Test scheme operator</Name></SchemeOperatorName>\n");
        sb.Append("    <SchemeInformationURI>\n");
        foreach (var uri in _schemeUris)
        {
            sb.Append(CultureInfo.InvariantCulture, $"      <URI xml:lang=\"en\">{Escape(uri)}</URI>\n");
        }

        sb.Append("    </SchemeInformationURI>\n");
        sb.Append(CultureInfo.InvariantCulture, $"    <SchemeTerritory>{Territory}</SchemeTerritory>\n");
        if (_pointers.Count > 0)
        {
            sb.Append("    <PointersToOtherTSL>\n");
            foreach (var p in _pointers)
            {
                sb.Append("      <OtherTSLPointer>\n        <ServiceDigitalIdentities>\n");
                foreach (var der in p.Signers)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"          <ServiceDigitalIdentity><DigitalId><X509Certificate>{Convert.ToBase64String(der)}</X509Certificate></DigitalId></ServiceDigitalIdentity>\n");
                }

                sb.Append(CultureInfo.InvariantCulture, $"        </ServiceDigitalIdentities>\n        <TSLLocation>{Escape(p.Location)}</TSLLocation>\n");
                sb.Append(CultureInfo.InvariantCulture, $"        <AdditionalInformation><OtherInformation><TSLType>{p.Type}</TSLType></OtherInformation><OtherInformation><SchemeTerritory>{p.Territory}</SchemeTerritory></OtherInformation><OtherInformation><ns4:MimeType>{p.Mime}</ns4:MimeType></OtherInformation></AdditionalInformation>\n");
                sb.Append("      </OtherTSLPointer>\n");
            }

            sb.Append("    </PointersToOtherTSL>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"    <ListIssueDateTime>{Issued.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}</ListIssueDateTime>\n");
        sb.Append(CultureInfo.InvariantCulture, $"    <NextUpdate>{(NextUpdate is { } n ? $"<dateTime>{n.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}</dateTime>" : string.Empty)}</NextUpdate>\n");
        sb.Append("  </SchemeInformation>\n");
        if (_services.Count > 0)
        {
            sb.Append("  <TrustServiceProviderList>\n");
            foreach (var group in _services.GroupBy(s => s.Tsp))
            {
                sb.Append(CultureInfo.InvariantCulture, $"    <TrustServiceProvider><TSPInformation><TSPName><Name xml:lang=\"en\">{Escape(group.Key)}</Name></TSPName></TSPInformation><TSPServices>\n");
                foreach (var s in group)
                {
                    sb.Append("      <TSPService><ServiceInformation>\n");
                    sb.Append(CultureInfo.InvariantCulture, $"        <ServiceTypeIdentifier>{s.Type}</ServiceTypeIdentifier>\n        <ServiceName><Name xml:lang=\"en\">{Escape(s.Name)}</Name></ServiceName>\n        <ServiceDigitalIdentity>");
                    foreach (var der in s.Certificates)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"<DigitalId><X509Certificate>{Convert.ToBase64String(der)}</X509Certificate></DigitalId>");
                    }

                    sb.Append(CultureInfo.InvariantCulture, $"</ServiceDigitalIdentity>\n        <ServiceStatus>{s.Status}</ServiceStatus>\n        <StatusStartingTime>2020-01-01T00:00:00Z</StatusStartingTime>\n");
                    if (s.Wsa)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"        <ServiceInformationExtensions><Extension Critical=\"false\"><AdditionalServiceInformation><URI xml:lang=\"en\">{TrustedListUris.ForWebSiteAuthentication}</URI></AdditionalServiceInformation></Extension></ServiceInformationExtensions>\n");
                    }

                    sb.Append("      </ServiceInformation></TSPService>\n");
                }

                sb.Append("    </TSPServices></TrustServiceProvider>\n");
            }

            sb.Append("  </TrustServiceProviderList>\n");
        }

        sb.Append("</TrustServiceStatusList>\n");
        return sb.ToString();
    }

    /// <summary>The list signed by <paramref name="signer"/>, as UTF-8 bytes.</summary>
    public byte[] Sign(TestListSigner signer) => Encoding.UTF8.GetBytes(SignXml(ToXml(), signer));

    /// <summary>The unsigned list, as UTF-8 bytes.</summary>
    public byte[] Unsigned() => Encoding.UTF8.GetBytes(ToXml());

    /// <summary>
    /// Signs <paramref name="xml"/> (the root element's content) with an enveloped XAdES signature; <paramref name="extraReference"/>
    /// adds a reference a real list never has, for hostile-input tests.
    /// </summary>
    public static string SignXml(string xml, TestListSigner signer, Reference? extraReference = null, Reference? documentReference = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        document.LoadXml(xml);
        const string signatureId = "sig-test";
        const string propertiesId = "xades-sig-test";

        var qualifying = document.CreateElement("xades", "QualifyingProperties", TrustedListUris.XadesNamespace);
        qualifying.SetAttribute("xmlns:xades", TrustedListUris.XadesNamespace);
        qualifying.SetAttribute("Target", "#" + signatureId);
        var properties = document.CreateElement("xades", "SignedProperties", TrustedListUris.XadesNamespace);
        properties.SetAttribute("xmlns:xades", TrustedListUris.XadesNamespace);
        properties.SetAttribute("Id", propertiesId);
        var signatureProperties = document.CreateElement("xades", "SignedSignatureProperties", TrustedListUris.XadesNamespace);
        var signingTime = document.CreateElement("xades", "SigningTime", TrustedListUris.XadesNamespace);
        signingTime.InnerText = "2026-05-01T00:00:00Z";
        signatureProperties.AppendChild(signingTime);
        properties.AppendChild(signatureProperties);
        qualifying.AppendChild(properties);

        var signed = new XadesSignedXml(document, properties) { SigningKey = signer.Key };
        signed.Signature.Id = signatureId;
        signed.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signed.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;

        var whole = documentReference ?? new Reference(string.Empty) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        if (documentReference is null)
        {
            whole.AddTransform(new XmlDsigEnvelopedSignatureTransform());
            whole.AddTransform(new XmlDsigExcC14NTransform());
        }

        signed.AddReference(whole);
        var signedProperties = new Reference("#" + propertiesId) { DigestMethod = SignedXml.XmlDsigSHA256Url, Type = TrustedListUris.SignedPropertiesType };
        signedProperties.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(signedProperties);
        if (extraReference is not null)
        {
            signed.AddReference(extraReference);
        }

        signed.AddObject(new DataObject { Data = new XmlNodeListOf(qualifying) });
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(signer.Certificate));
        signed.KeyInfo = keyInfo;
        signed.ComputeSignature();
        document.DocumentElement!.AppendChild(document.ImportNode(signed.GetXml(), true));
        return document.OuterXml;
    }

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text);

    // SignedXml looks for "#id" in the document only; the SignedProperties is not in it until the signature is.
    private sealed class XadesSignedXml(XmlDocument document, XmlElement properties) : SignedXml(document)
    {
        public override XmlElement? GetIdElement(XmlDocument? document, string idValue)
            => idValue == properties.GetAttribute("Id") ? properties : base.GetIdElement(document, idValue);
    }

    private sealed class XmlNodeListOf(XmlNode node) : XmlNodeList
    {
        public override int Count => 1;

        public override XmlNode? Item(int index) => index == 0 ? node : null;

        public override System.Collections.IEnumerator GetEnumerator()
        {
            yield return node;
        }
    }
}

namespace TppGate.Core.Trust.TrustedLists;

/// <summary>The URIs and namespaces of ETSI TS 119 612 (v2.1.1) and XML-DSig that the import reads.</summary>
public static class TrustedListUris
{
    /// <summary>The trusted-list namespace (TS 119 612 clause 5, "tsl").</summary>
    public const string TslNamespace = "http://uri.etsi.org/02231/v2#";

    /// <summary>Additional types (MimeType in a pointer's AdditionalInformation, clause 5.3.13).</summary>
    public const string AdditionalTypesNamespace = "http://uri.etsi.org/02231/v2/additionaltypes#";

    /// <summary>XML-DSig.</summary>
    public const string DsigNamespace = "http://www.w3.org/2000/09/xmldsig#";

    /// <summary>XAdES 1.3.2, which holds SignedProperties.</summary>
    public const string XadesNamespace = "http://uri.etsi.org/01903/v1.3.2#";

    /// <summary>TSLType of the EU List of the Lists (clause 5.3.3).</summary>
    public const string LotlType = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists";

    /// <summary>TSLType of an EU member state's trusted list (clause 5.3.3).</summary>
    public const string NationalListType = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric";

    /// <summary>The MIME type of a machine-processable trusted list in a pointer (clause 5.3.13, Annex E).</summary>
    public const string XmlMimeType = "application/vnd.etsi.tsl+xml";

    /// <summary>ServiceTypeIdentifier of a CA issuing qualified certificates (clause 5.5.1.1).</summary>
    public const string CaQcServiceType = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC";

    /// <summary>ServiceStatus "granted" (clause 5.5.4).</summary>
    public const string GrantedStatus = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted";

    /// <summary>AdditionalServiceInformation: the service issues qualified certificates for website authentication (clause 5.5.9.4).</summary>
    public const string ForWebSiteAuthentication = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForWebSiteAuthentication";

    /// <summary>The XAdES reference type of SignedProperties (EN 319 132-1 clause 6.3).</summary>
    public const string SignedPropertiesType = "http://uri.etsi.org/01903#SignedProperties";

    /// <summary>Exclusive canonicalization without comments.</summary>
    public const string ExclusiveC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";

    /// <summary>The enveloped-signature transform.</summary>
    public const string EnvelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
}

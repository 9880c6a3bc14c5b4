using System.Globalization;
using System.Xml;

namespace TppGate.Core.Trust.TrustedLists;

/// <summary>
/// Reads the parts of a TS 119 612 document the import needs into a <see cref="TrustedList"/>, walking the DOM by
/// namespace and local name (no XPath, no schema). Only the signed document is read: the caller verifies the
/// enveloped signature over the same <see cref="XmlDocument"/>.
/// </summary>
public static class TrustedListReader
{
    private const string Tsl = TrustedListUris.TslNamespace;

    /// <summary>Reads <paramref name="document"/>; never throws for bad content.</summary>
    /// <returns>The list, or null with <paramref name="error"/> saying what is missing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static TrustedList? TryRead(XmlDocument document, out string? error)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            var list = Read(document);
            error = null;
            return list;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static TrustedList Read(XmlDocument document)
    {
        var root = document.DocumentElement;
        if (root is null || root.LocalName != "TrustServiceStatusList" || root.NamespaceURI != Tsl)
        {
            throw new FormatException("the root element is not tsl:TrustServiceStatusList");
        }

        var scheme = Required(root, "SchemeInformation");
        var sequenceText = Text(Required(scheme, "TSLSequenceNumber"));
        if (!long.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1)
        {
            throw new FormatException($"TSLSequenceNumber '{sequenceText}' is not a positive integer");
        }

        var type = Text(Required(scheme, "TSLType"));
        var territory = Text(Required(scheme, "SchemeTerritory"));
        var issued = Time(Text(Required(scheme, "ListIssueDateTime")), "ListIssueDateTime");
        var nextUpdateElement = Required(scheme, "NextUpdate");
        var nextUpdateTime = Child(nextUpdateElement, "dateTime");
        DateTimeOffset? nextUpdate = nextUpdateTime is null || Text(nextUpdateTime).Length == 0
            ? null
            : Time(Text(nextUpdateTime), "NextUpdate");

        var uris = new List<string>();
        if (Child(scheme, "SchemeInformationURI") is { } sis)
        {
            foreach (var uri in Children(sis, "URI"))
            {
                uris.Add(Text(uri));
            }
        }

        var pointers = new List<TrustedListPointer>();
        if (Child(scheme, "PointersToOtherTSL") is { } pointerList)
        {
            foreach (var pointer in Children(pointerList, "OtherTSLPointer"))
            {
                pointers.Add(ReadPointer(pointer));
            }
        }

        var services = new List<TrustService>();
        if (Child(root, "TrustServiceProviderList") is { } providers)
        {
            foreach (var provider in Children(providers, "TrustServiceProvider"))
            {
                var tspName = Child(provider, "TSPInformation") is { } info && Child(info, "TSPName") is { } names ? PreferredName(names) : string.Empty;
                if (Child(provider, "TSPServices") is not { } tspServices)
                {
                    continue;
                }

                foreach (var service in Children(tspServices, "TSPService"))
                {
                    services.Add(ReadService(tspName, Required(service, "ServiceInformation")));
                }
            }
        }

        return new TrustedList(type, sequence, territory, issued, nextUpdate, uris, pointers, services);
    }

    private static TrustedListPointer ReadPointer(XmlElement pointer)
    {
        var certificates = new List<byte[]>();
        if (Child(pointer, "ServiceDigitalIdentities") is { } identities)
        {
            foreach (var identity in Children(identities, "ServiceDigitalIdentity"))
            {
                AddCertificates(identity, certificates);
            }
        }

        string? territory = null, type = null, mime = null;
        if (Child(pointer, "AdditionalInformation") is { } additional)
        {
            foreach (var other in Children(additional, "OtherInformation"))
            {
                foreach (XmlNode node in other.ChildNodes)
                {
                    if (node is not XmlElement e)
                    {
                        continue;
                    }

                    switch ((e.NamespaceURI, e.LocalName))
                    {
                        case (Tsl, "SchemeTerritory"):
                            territory ??= Text(e);
                            break;
                        case (Tsl, "TSLType"):
                            type ??= Text(e);
                            break;
                        case (TrustedListUris.AdditionalTypesNamespace, "MimeType"):
                            mime ??= Text(e);
                            break;
                    }
                }
            }
        }

        var location = Child(pointer, "TSLLocation") is { } l ? Text(l) : null;
        return new TrustedListPointer(territory, type, mime, location, certificates);
    }

    private static TrustService ReadService(string tspName, XmlElement info)
    {
        var serviceType = Text(Required(info, "ServiceTypeIdentifier"));
        var serviceName = Child(info, "ServiceName") is { } names ? PreferredName(names) : string.Empty;
        var status = Text(Required(info, "ServiceStatus"));
        DateTimeOffset? since = Child(info, "StatusStartingTime") is { } s && TryTime(Text(s), out var t) ? t : null;
        var certificates = new List<byte[]>();
        if (Child(info, "ServiceDigitalIdentity") is { } identity)
        {
            AddCertificates(identity, certificates);
        }

        var additional = new List<string>();
        if (Child(info, "ServiceInformationExtensions") is { } extensions)
        {
            foreach (var extension in Children(extensions, "Extension"))
            {
                foreach (var asi in Children(extension, "AdditionalServiceInformation"))
                {
                    if (Child(asi, "URI") is { } uri)
                    {
                        additional.Add(Text(uri));
                    }
                }
            }
        }

        return new TrustService(tspName, serviceName, serviceType, status, since, additional, certificates);
    }

    private static void AddCertificates(XmlElement identity, List<byte[]> into)
    {
        foreach (var digitalId in Children(identity, "DigitalId"))
        {
            foreach (var certificate in Children(digitalId, "X509Certificate"))
            {
                // Whitespace inside the base64 is allowed (Convert skips it); text that is not base64 is no certificate.
                try
                {
                    var der = Convert.FromBase64String(certificate.InnerText);
                    if (der.Length > 0)
                    {
                        into.Add(der);
                    }
                }
                catch (FormatException)
                {
                    // An unreadable certificate is no certificate: it can neither sign a list nor become an anchor.
                }
            }
        }
    }

    private static string PreferredName(XmlElement names)
    {
        string? first = null;
        foreach (var name in Children(names, "Name"))
        {
            var lang = name.GetAttribute("lang", "http://www.w3.org/XML/1998/namespace");
            if (string.Equals(lang, "en", StringComparison.OrdinalIgnoreCase))
            {
                return Text(name);
            }

            first ??= Text(name);
        }

        return first ?? string.Empty;
    }

    private static XmlElement Required(XmlElement parent, string localName)
        => Child(parent, localName) ?? throw new FormatException($"{parent.LocalName} has no {localName}");

    private static XmlElement? Child(XmlElement parent, string localName)
    {
        for (var node = parent.FirstChild; node is not null; node = node.NextSibling)
        {
            if (node is XmlElement e && e.LocalName == localName && e.NamespaceURI == Tsl)
            {
                return e;
            }
        }

        return null;
    }

    private static IEnumerable<XmlElement> Children(XmlElement parent, string localName)
    {
        for (var node = parent.FirstChild; node is not null; node = node.NextSibling)
        {
            if (node is XmlElement e && e.LocalName == localName && e.NamespaceURI == Tsl)
            {
                yield return e;
            }
        }
    }

    private static string Text(XmlElement element) => element.InnerText.Trim();

    private static DateTimeOffset Time(string text, string what)
        => TryTime(text, out var time) ? time : throw new FormatException($"{what} '{text}' is not an xsd:dateTime");

    private static bool TryTime(string text, out DateTimeOffset time)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}

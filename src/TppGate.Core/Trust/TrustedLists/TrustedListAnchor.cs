using System.Security.Cryptography;

namespace TppGate.Core.Trust.TrustedLists;

/// <summary>A QWAC trust anchor taken from a trusted list: a service certificate and the service that names it.</summary>
/// <param name="Certificate">The certificate's DER.</param>
/// <param name="Sha256">SHA-256 of the DER, lower-case hex.</param>
/// <param name="Territory">The list's SchemeTerritory.</param>
/// <param name="Tsp">The trust service provider's name.</param>
/// <param name="Service">The service's name.</param>
public sealed record TrustedListAnchor(byte[] Certificate, string Sha256, string Territory, string Tsp, string Service)
{
    /// <summary>Creates an anchor, computing its SHA-256.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static TrustedListAnchor Create(byte[] certificate, string territory, string tsp, string service)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new TrustedListAnchor(certificate, Convert.ToHexStringLower(SHA256.HashData(certificate)), territory, tsp, service);
    }
}

/// <summary>
/// Which services of a trusted list give QWAC anchors: those whose current ServiceTypeIdentifier is CA/QC, whose
/// current status is granted and whose ServiceInformationExtensions carry AdditionalServiceInformation
/// ForWebSiteAuthentication. Every certificate in such a service's ServiceDigitalIdentity is an anchor, self-signed
/// or not: the list names that certificate, not its issuer.
/// </summary>
public static class QwacAnchorRule
{
    /// <summary>True when <paramref name="service"/> is a granted CA/QC service for website authentication.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="service"/> is null.</exception>
    public static bool IsQwacCa(TrustService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.ServiceType == TrustedListUris.CaQcServiceType
            && service.Status == TrustedListUris.GrantedStatus
            && service.AdditionalServiceInformation.Contains(TrustedListUris.ForWebSiteAuthentication, StringComparer.Ordinal);
    }

    /// <summary>The anchors <paramref name="list"/> gives, one per certificate and service, without repeats.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="list"/> is null.</exception>
    public static IReadOnlyList<TrustedListAnchor> Extract(TrustedList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var anchors = new List<TrustedListAnchor>();
        var seen = new HashSet<(string, string, string)>();
        foreach (var service in list.Services)
        {
            if (!IsQwacCa(service))
            {
                continue;
            }

            foreach (var der in service.Certificates)
            {
                var anchor = TrustedListAnchor.Create(der, list.Territory, service.TspName, service.ServiceName);
                if (seen.Add((anchor.Sha256, anchor.Tsp, anchor.Service)))
                {
                    anchors.Add(anchor);
                }
            }
        }

        return anchors;
    }
}

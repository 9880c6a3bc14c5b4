using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Trust.Revocation;
using TppGate.Pki;

namespace TppGate.Testing.Revocation;

/// <summary>
/// The test catalogue's CRLs in a shared CRL store, as a storage cache shared by instances would hold them: the
/// catalogue's distribution points (crl.tppgate.test) never resolve, so revocation checking on by default is
/// served from here, verified against the issuing CAs like any CRL.
/// </summary>
public static class CatalogueCrls
{
    /// <summary>A store holding current CRLs of both catalogue issuing CAs, listing <paramref name="revoked"/>.</summary>
    public static InMemoryCrlStore Store(params X509Certificate2[] revoked)
    {
        var store = new InMemoryCrlStore();
        Publish(store, revoked);
        return store;
    }

    /// <summary>Publishes new CRLs (newer than the last) listing <paramref name="revoked"/>.</summary>
    public static void Publish(InMemoryCrlStore store, params X509Certificate2[] revoked)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (var (url, crl) in CertificateCatalogue.Shared.PublishCrls(DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromDays(7), revoked))
        {
            store.PutAsync(url, crl).GetAwaiter().GetResult();
        }
    }
}

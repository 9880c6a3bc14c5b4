using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Eidas;

/// <summary>Reads qcStatements and organizationIdentifier from a certificate. Never throws for malformed content: it reports findings.</summary>
public static class EidasReader
{
    /// <summary>Reads the eIDAS/PSD2 content of <paramref name="certificate"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    public static EidasProfile Read(X509Certificate2 certificate)
        => throw new NotImplementedException("filled in by the eIDAS work");
}

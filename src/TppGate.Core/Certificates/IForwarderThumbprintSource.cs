namespace TppGate.Core.Certificates;

/// <summary>
/// Trusted forwarders' client certificates that change at run time (for example APIM's certificate in Key Vault,
/// rotated there): the SHA-256 thumbprints, lower-case hex, trusted now. Read on every forwarded call.
/// </summary>
public interface IForwarderThumbprintSource
{
    /// <summary>The thumbprints trusted now; empty until loaded and when nothing is trusted.</summary>
    IReadOnlySet<string> Sha256Thumbprints { get; }
}

namespace TppGate.Core.Trust.Revocation.Ocsp;

/// <summary>
/// Where OCSP requests are sent: the network in production (<see cref="HttpOcspDownloader"/>), loopback in tests.
/// </summary>
public interface IOcspDownloader
{
    /// <summary>
    /// The body a responder answers to <paramref name="request"/> (DER OCSPRequest) POSTed to <paramref name="url"/>,
    /// or null when there was no answer within the bounds.
    /// </summary>
    Task<byte[]?> PostAsync(Uri url, byte[] request, CancellationToken cancellationToken = default);
}

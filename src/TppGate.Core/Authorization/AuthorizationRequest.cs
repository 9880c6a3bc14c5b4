using TppGate.Core.Certificates;

namespace TppGate.Core.Authorization;

/// <summary>What the authorizer is asked, already taken from the transport (headers, query).</summary>
/// <param name="CertificateValue">The forwarded certificate header value, or null when none came.</param>
/// <param name="CertificateFormat">How <paramref name="CertificateValue"/> is written.</param>
/// <param name="ChainValue">An RFC 9440 Client-Cert-Chain value that came with it, if any (path-building hints only).</param>
/// <param name="ClientId">The OAuth client_id the transport named (header, query or form, already agreeing), or null.</param>
/// <param name="Api">The API name mapped to required roles; null or blank is API_MISSING while role checks are on.</param>
/// <param name="AccessToken">A bearer access token, verified by the <see cref="IAccessTokenValidator"/> before its claims count, or null.</param>
public sealed record AuthorizationRequest(
    string? CertificateValue,
    CertificateSourceFormat CertificateFormat,
    string? ChainValue,
    string? ClientId,
    string? Api,
    string? AccessToken);

using TppGate.Core.Trust;

namespace TppGate.Core.Authorization;

/// <summary>
/// Why a request was denied. The names are the stable codes a TPP sees (Berlin Group NextGenPSD2 where one
/// exists); see <see cref="DenyCodes"/> for the wire strings and HTTP statuses.
/// </summary>
public enum DenyCode
{
    /// <summary>No client certificate reached the authorizer (401).</summary>
    CertificateMissing = 1,

    /// <summary>Unreadable, untrusted, wrong usage, or not PSD2 where PSD2 is required (401).</summary>
    CertificateInvalid,

    /// <summary>The certificate or a CA in its chain has expired, or is not yet valid (401).</summary>
    CertificateExpired,

    /// <summary>The CA revoked the certificate (401).</summary>
    CertificateRevoked,

    /// <summary>Unknown certificate, bound to another client, or outside its activation window (403).</summary>
    CertificateNotBound,

    /// <summary>The bank revoked the binding (403).</summary>
    CertificateBlocked,

    /// <summary>The certificate lacks the PSD2 role the API needs, or the API is unknown (403).</summary>
    RoleInvalid,

    /// <summary>The access token is bound (cnf x5t#S256) to another certificate, or not bound at all (403).</summary>
    TokenBindingMismatch,

    /// <summary>No client_id in the request (400).</summary>
    ClientIdMissing,

    /// <summary>A forwarded certificate came from a caller that is not a configured forwarder (401).</summary>
    ForwarderUntrusted,

    /// <summary>A dependency failed or the deadline passed: fail closed (503).</summary>
    ServiceUnavailable,

    /// <summary>No API named (X-Tpp-Api missing or blank) while role checks are on (400).</summary>
    ApiMissing,

    /// <summary>The client_id sources (header, query, form field, token) name different clients, or one is repeated (400).</summary>
    ClientIdMismatch,

    /// <summary>The client_id holds control characters (400).</summary>
    ClientIdInvalid,

    /// <summary>The bearer token is not a token the configured authority signed for this audience, now (401).</summary>
    TokenInvalid,

    /// <summary>The API header (X-Tpp-Api) was sent more than once (400).</summary>
    ApiHeaderRepeated,

    /// <summary>The Authorization header was sent more than once (400).</summary>
    AuthorizationHeaderRepeated,

    /// <summary>A form body that is too large or not application/x-www-form-urlencoded text (400).</summary>
    BodyInvalid,
}

/// <summary>Wire codes and HTTP statuses of <see cref="DenyCode"/>.</summary>
public static class DenyCodes
{
    /// <summary>The stable upper-case code, e.g. CERTIFICATE_NOT_BOUND.</summary>
    public static string ToCode(this DenyCode code) => code switch
    {
        DenyCode.CertificateMissing => "CERTIFICATE_MISSING",
        DenyCode.CertificateInvalid => "CERTIFICATE_INVALID",
        DenyCode.CertificateExpired => "CERTIFICATE_EXPIRED",
        DenyCode.CertificateRevoked => "CERTIFICATE_REVOKED",
        DenyCode.CertificateNotBound => "CERTIFICATE_NOT_BOUND",
        DenyCode.CertificateBlocked => "CERTIFICATE_BLOCKED",
        DenyCode.RoleInvalid => "ROLE_INVALID",
        DenyCode.TokenBindingMismatch => "TOKEN_BINDING_MISMATCH",
        DenyCode.ClientIdMissing => "CLIENT_ID_MISSING",
        DenyCode.ForwarderUntrusted => "FORWARDER_UNTRUSTED",
        DenyCode.ServiceUnavailable => "SERVICE_UNAVAILABLE",
        DenyCode.ApiMissing => "API_MISSING",
        DenyCode.ClientIdMismatch => "CLIENT_ID_MISMATCH",
        DenyCode.ClientIdInvalid => "CLIENT_ID_INVALID",
        DenyCode.TokenInvalid => "TOKEN_INVALID",
        DenyCode.ApiHeaderRepeated => "API_HEADER_REPEATED",
        DenyCode.AuthorizationHeaderRepeated => "AUTHORIZATION_HEADER_REPEATED",
        DenyCode.BodyInvalid => "BODY_INVALID",
        _ => "CERTIFICATE_INVALID",
    };

    /// <summary>The HTTP status the authorizer answers with.</summary>
    public static int ToHttpStatus(this DenyCode code) => code switch
    {
        DenyCode.ClientIdMissing or DenyCode.ApiMissing or DenyCode.ClientIdMismatch or DenyCode.ClientIdInvalid
            or DenyCode.ApiHeaderRepeated or DenyCode.AuthorizationHeaderRepeated or DenyCode.BodyInvalid => 400,
        DenyCode.CertificateNotBound or DenyCode.CertificateBlocked or DenyCode.RoleInvalid or DenyCode.TokenBindingMismatch => 403,
        DenyCode.ServiceUnavailable => 503,
        _ => 401,
    };

    /// <summary>
    /// The deny for an untrusted chain. An unknown CA's certificate learns only CERTIFICATE_INVALID, whatever
    /// else failed; a dependency failure (no anchors, revocation unknown) is 503.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="chain"/> is null.</exception>
    public static DenyCode FromChain(ChainValidationResult chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var f = chain.Failures;
        if (f.Contains(ChainFailure.NoTrustAnchors) || (f.Count == 1 && f[0] == ChainFailure.RevocationUnknown))
        {
            return DenyCode.ServiceUnavailable;
        }

        if (f.Any(x => x is ChainFailure.Untrusted or ChainFailure.NoRevocationSource or ChainFailure.WrongUsage or ChainFailure.InvalidBasicConstraints or ChainFailure.UnknownCriticalExtension or ChainFailure.WeakAlgorithm))
        {
            return DenyCode.CertificateInvalid;
        }

        if (f.Contains(ChainFailure.Revoked))
        {
            return DenyCode.CertificateRevoked;
        }

        return f.Any(x => x is ChainFailure.Expired or ChainFailure.NotYetValid) ? DenyCode.CertificateExpired : DenyCode.CertificateInvalid;
    }

    /// <summary>A short, generic sentence for the TPP; the detail goes to the log only.</summary>
    public static string ToTitle(this DenyCode code) => code switch
    {
        DenyCode.CertificateMissing => "No client certificate was presented.",
        DenyCode.CertificateInvalid => "The client certificate is not valid for this service.",
        DenyCode.CertificateExpired => "The client certificate has expired or is not yet valid.",
        DenyCode.CertificateRevoked => "The client certificate has been revoked by its issuer.",
        DenyCode.CertificateNotBound => "The client certificate is not registered for this client.",
        DenyCode.CertificateBlocked => "The client certificate has been blocked.",
        DenyCode.RoleInvalid => "The client certificate does not carry the role this API needs.",
        DenyCode.TokenBindingMismatch => "The access token is not bound to the client certificate.",
        DenyCode.ClientIdMissing => "The request names no client_id.",
        DenyCode.ForwarderUntrusted => "The forwarded client certificate came from an untrusted caller.",
        DenyCode.ServiceUnavailable => "The authorization service is temporarily unavailable.",
        DenyCode.ApiMissing => "The request names no API (X-Tpp-Api).",
        DenyCode.ClientIdMismatch => "The request names more than one client_id.",
        DenyCode.ClientIdInvalid => "The client_id contains characters that are not allowed.",
        DenyCode.TokenInvalid => "The access token could not be verified.",
        DenyCode.ApiHeaderRepeated => "The X-Tpp-Api header was sent more than once.",
        DenyCode.AuthorizationHeaderRepeated => "The Authorization header was sent more than once.",
        DenyCode.BodyInvalid => "The form body could not be read.",
        _ => "The request was denied.",
    };
}

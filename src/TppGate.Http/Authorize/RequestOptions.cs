using TppGate.Core.Certificates;

namespace TppGate.Http.Authorize;

/// <summary>Where the authorizer finds its inputs in an HTTP request. Bound from section "Authorizer:Request".</summary>
public sealed class RequestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Authorizer:Request";

    /// <summary>The header the front end writes the handshake certificate into. Default X-ARR-ClientCert (App Service).</summary>
    public string DirectCertificateHeader { get; set; } = "X-ARR-ClientCert";

    /// <summary>How <see cref="DirectCertificateHeader"/> is written. Default bare base64 DER.</summary>
    public CertificateSourceFormat DirectCertificateFormat { get; set; } = CertificateSourceFormat.Base64;

    /// <summary>The header a trusted forwarder (APIM) writes the TPP's certificate into. Default RFC 9440 Client-Cert.</summary>
    public string ForwardedCertificateHeader { get; set; } = "Client-Cert";

    /// <summary>The chain header beside <see cref="ForwardedCertificateHeader"/>. Default Client-Cert-Chain.</summary>
    public string ForwardedChainHeader { get; set; } = "Client-Cert-Chain";

    /// <summary>How <see cref="ForwardedCertificateHeader"/> is written. Default RFC 9440.</summary>
    public CertificateSourceFormat ForwardedCertificateFormat { get; set; } = CertificateSourceFormat.Rfc9440;

    /// <summary>
    /// Callers allowed to forward a TPP certificate (RFC 9440 section 4). Empty by default: nobody is, and a
    /// forwarded header is answered with FORWARDER_UNTRUSTED.
    /// </summary>
    public List<TrustedForwarder> TrustedForwarders { get; set; } = [];

    /// <summary>The header naming the client. Default X-Client-Id; the query parameter client_id is read too.</summary>
    public string ClientIdHeader { get; set; } = "X-Client-Id";

    /// <summary>The header naming the API, mapped to roles by <c>Authorizer:ApiRoles</c>. Default X-Tpp-Api.</summary>
    public string ApiHeader { get; set; } = "X-Tpp-Api";
}

/// <summary>A caller allowed to forward TPP certificates: known by its own certificate or its Entra identity.</summary>
public sealed class TrustedForwarder
{
    /// <summary>A name for logs, e.g. "apim-prod".</summary>
    public string Name { get; set; } = "";

    /// <summary>SHA-256 of the forwarder's client certificate (hex or x5t#S256), as it arrives in the direct header.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>The forwarder's Entra object id, as App Service Authentication reports it.</summary>
    public string? PrincipalId { get; set; }
}

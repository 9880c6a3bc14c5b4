namespace TppGate.Core.Certificates;

/// <summary>How a forwarded client certificate is written in a header value.</summary>
public enum CertificateSourceFormat
{
    /// <summary>Detect the format from the value's shape.</summary>
    Auto = 0,

    /// <summary>Raw DER bytes (files only; a header cannot carry them).</summary>
    Der,

    /// <summary>Bare base64 DER, as App Service writes <c>X-ARR-ClientCert</c>.</summary>
    Base64,

    /// <summary>PEM, including single-line PEM with spaces, tab-indented PEM and PEM without armour.</summary>
    Pem,

    /// <summary>URL-encoded PEM: nginx <c>$ssl_client_escaped_cert</c>, Application Gateway, AWS ALB.</summary>
    UrlPem,

    /// <summary>RFC 9440 <c>Client-Cert</c>: a structured-field byte sequence <c>:base64:</c>.</summary>
    Rfc9440,

    /// <summary>Envoy <c>x-forwarded-client-cert</c>; the first (leftmost) element is read.</summary>
    Xfcc,
}

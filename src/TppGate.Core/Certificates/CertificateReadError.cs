namespace TppGate.Core.Certificates;

/// <summary>Why a forwarded certificate could not be read. Values are stable: they appear in logs and CLI output.</summary>
public enum CertificateReadError
{
    /// <summary>The certificate was read.</summary>
    None = 0,

    /// <summary>No value, an empty value, or only white space.</summary>
    Missing,

    /// <summary>The value is larger than the configured limit; it was refused before decoding.</summary>
    TooLarge,

    /// <summary>The value is not valid base64 (bad characters, bad padding, wrong alphabet).</summary>
    InvalidBase64,

    /// <summary>PEM armour is broken or unbalanced.</summary>
    InvalidPem,

    /// <summary>Percent-encoding is broken.</summary>
    InvalidUrlEncoding,

    /// <summary>An RFC 9440 value is not a structured-field byte sequence.</summary>
    InvalidStructuredField,

    /// <summary>An Envoy XFCC value has broken quoting or structure.</summary>
    InvalidXfcc,

    /// <summary>The XFCC element names no <c>Cert</c>: nothing to read.</summary>
    NoCertificateInElement,

    /// <summary>The bytes are not one DER X.509 certificate.</summary>
    InvalidDer,

    /// <summary>Bytes follow the certificate's DER encoding.</summary>
    TrailingData,

    /// <summary>Several certificates where one is expected.</summary>
    MultipleCertificates,

    /// <summary>A PKCS#7 or PKCS#12 container instead of a certificate.</summary>
    ContainerNotAllowed,

    /// <summary>The value's format could not be recognised.</summary>
    UnknownFormat,
}

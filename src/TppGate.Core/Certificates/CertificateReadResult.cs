using System.Diagnostics.CodeAnalysis;

namespace TppGate.Core.Certificates;

/// <summary>The outcome of reading a forwarded certificate: a certificate, or a stable error with a message.</summary>
public readonly record struct CertificateReadResult(ForwardedCertificate? Value, CertificateReadError Error, string? Message)
{
    /// <summary>True when a certificate was read.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public bool Succeeded => Error == CertificateReadError.None && Value is not null;

    /// <summary>A successful read.</summary>
    public static CertificateReadResult Success(ForwardedCertificate value) => new(value, CertificateReadError.None, null);

    /// <summary>A failed read.</summary>
    public static CertificateReadResult Fail(CertificateReadError error, string message) => new(null, error, message);
}

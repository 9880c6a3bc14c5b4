using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Asn1;

namespace TppGate.Core.Trust.Revocation.Ocsp;

/// <summary>A certificate's status in an OCSP SingleResponse (RFC 6960 clause 4.2.1).</summary>
internal enum OcspCertStatus
{
    /// <summary>good: the responder knows the certificate and it is not revoked.</summary>
    Good = 0,

    /// <summary>revoked.</summary>
    Revoked,

    /// <summary>unknown: the responder does not know the certificate.</summary>
    Unknown,
}

/// <summary>What a verified OCSP response says about the certificate asked about.</summary>
/// <param name="Status">The status.</param>
/// <param name="ThisUpdate">When the status was known to be correct.</param>
/// <param name="NextUpdate">When newer information will be available; null when the responder did not say.</param>
internal sealed record OcspAnswer(OcspCertStatus Status, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate);

/// <summary>
/// Reads an OCSPResponse (RFC 6960 clause 4.2) strictly and verifies it (decision 0017): DER throughout, status
/// successful, a BasicOCSPResponse signed by the issuer itself or by a responder certificate the issuer signed
/// directly, carrying id-kp-OCSPSigning and valid now; exactly one SingleResponse for the CertID asked about;
/// thisUpdate not in the future beyond the clock skew; no unknown critical extension. Freshness (nextUpdate)
/// is the cache's to judge.
/// </summary>
internal static class OcspResponseReader
{
    private const string BasicResponseType = "1.3.6.1.5.5.7.48.1.1";
    private const string OcspSigning = "1.3.6.1.5.5.7.3.9";

    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Context1 = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag Context2 = new(TagClass.ContextSpecific, 2, isConstructed: true);
    private static readonly Asn1Tag GoodTag = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag UnknownTag = new(TagClass.ContextSpecific, 2);

    /// <summary>
    /// The verified answer for <paramref name="request"/>, or null with <paramref name="problem"/> for the log
    /// when the response is malformed, unsuccessful, signed by anyone the issuer did not authorize, or about
    /// another certificate.
    /// </summary>
    public static OcspAnswer? TryRead(byte[] der, OcspCertId request, X509Certificate2 issuer, DateTimeOffset now, TimeSpan skew, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(der);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(issuer);
        try
        {
            return Read(der, request, issuer, now, skew, out problem);
        }
        catch (AsnContentException)
        {
            problem = "the OCSP response is not DER (RFC 6960 clause 4.2.1)";
            return null;
        }
        catch (CryptographicException ex)
        {
            problem = $"the OCSP response could not be verified: {ex.Message}";
            return null;
        }
    }

    private static OcspAnswer? Read(byte[] der, OcspCertId request, X509Certificate2 issuer, DateTimeOffset now, TimeSpan skew, out string? problem)
    {
        if (DerStrictness.FindViolation(der) is { } outerViolation)
        {
            problem = $"the OCSP response is not DER: {outerViolation}";
            return null;
        }

        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var response = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var status = response.ReadEnumeratedBytes();
        if (status.Length != 1 || status.Span[0] != 0)
        {
            problem = $"the OCSP responder answered {StatusName(status.Span)}";
            return null;
        }

        var explicitBytes = response.ReadSequence(Context0);
        response.ThrowIfNotEmpty();
        var responseBytes = explicitBytes.ReadSequence();
        explicitBytes.ThrowIfNotEmpty();
        var type = responseBytes.ReadObjectIdentifier();
        var basic = responseBytes.ReadOctetString();
        responseBytes.ThrowIfNotEmpty();
        if (type != BasicResponseType)
        {
            problem = $"the OCSP response is of type {type}, not id-pkix-ocsp-basic";
            return null;
        }

        if (DerStrictness.FindViolation(basic) is { } innerViolation)
        {
            problem = $"the BasicOCSPResponse is not DER: {innerViolation}";
            return null;
        }

        var basicReader = new AsnReader(basic, AsnEncodingRules.DER);
        var basicResponse = basicReader.ReadSequence();
        basicReader.ThrowIfNotEmpty();
        var tbsEncoded = basicResponse.ReadEncodedValue();
        var signatureOid = ReadAlgorithm(basicResponse.ReadSequence());
        var signature = basicResponse.ReadBitString(out var unused);
        var certificates = new List<ReadOnlyMemory<byte>>();
        if (basicResponse.HasData)
        {
            var certs = basicResponse.ReadSequence(Context0);
            basicResponse.ThrowIfNotEmpty();
            var list = certs.ReadSequence();
            certs.ThrowIfNotEmpty();
            while (list.HasData)
            {
                certificates.Add(list.ReadEncodedValue());
            }
        }

        if (unused != 0)
        {
            problem = "the OCSP response's signature has unused bits";
            return null;
        }

        var tbs = new AsnReader(tbsEncoded, AsnEncodingRules.DER).ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Context0))
        {
            problem = "the OCSP response names a version; only v1, which DER leaves out, is known";
            return null;
        }

        var (responderName, responderKey) = ReadResponderId(tbs);
        tbs.ReadGeneralizedTime(); // producedAt
        var responses = tbs.ReadSequence();
        if (tbs.HasData && UnknownCriticalExtension(tbs.ReadSequence(Context1)) is { } critical)
        {
            problem = $"the OCSP response carries critical extension {critical}, which is not supported";
            return null;
        }

        tbs.ThrowIfNotEmpty();
        OcspAnswer? answer = null;
        var matches = 0;
        while (responses.HasData)
        {
            var single = ReadSingleResponse(responses.ReadSequence(), request, out var singleProblem);
            if (singleProblem is not null)
            {
                problem = singleProblem;
                return null;
            }

            if (single is not null)
            {
                answer = single;
                matches++;
            }
        }

        if (matches != 1)
        {
            problem = matches == 0
                ? $"the OCSP response does not answer for serial {Convert.ToHexString(request.Serial)} of this issuer"
                : "the OCSP response answers more than once for the certificate";
            return null;
        }

        if (Names(issuer, responderName, responderKey))
        {
            if (!RevocationList.Verify(issuer, signatureOid, tbsEncoded.Span, signature))
            {
                problem = $"the OCSP response's signature ({signatureOid}) does not verify with the issuer's key";
                return null;
            }
        }
        else
        {
            using var responder = Delegate(responderName, responderKey, certificates, issuer, now, skew, out problem);
            if (responder is null)
            {
                return null;
            }

            if (!RevocationList.Verify(responder, signatureOid, tbsEncoded.Span, signature))
            {
                problem = $"the OCSP response's signature ({signatureOid}) does not verify with the delegated responder's key";
                return null;
            }
        }

        if (answer!.ThisUpdate > now + skew)
        {
            problem = $"the OCSP response's thisUpdate {answer.ThisUpdate:O} is in the future";
            return null;
        }

        problem = null;
        return answer;
    }

    private static (ReadOnlyMemory<byte>? Name, ReadOnlyMemory<byte>? KeyHash) ReadResponderId(AsnReader tbs)
    {
        if (tbs.PeekTag().HasSameClassAndValue(Context1))
        {
            var byName = tbs.ReadSequence(Context1);
            var name = byName.ReadEncodedValue();
            byName.ThrowIfNotEmpty();
            return (name, null);
        }

        var byKey = tbs.ReadSequence(Context2);
        var key = byKey.ReadOctetString();
        byKey.ThrowIfNotEmpty();
        return (null, key);
    }

    private static OcspAnswer? ReadSingleResponse(AsnReader single, OcspCertId request, out string? problem)
    {
        problem = null;
        var certId = single.ReadSequence();
        var hashOid = ReadAlgorithm(certId.ReadSequence());
        var nameHash = certId.ReadOctetString();
        var keyHash = certId.ReadOctetString();
        var serial = certId.ReadIntegerBytes();
        certId.ThrowIfNotEmpty();

        OcspCertStatus status;
        var tag = single.PeekTag();
        if (tag.HasSameClassAndValue(GoodTag) && !tag.IsConstructed)
        {
            single.ReadNull(GoodTag);
            status = OcspCertStatus.Good;
        }
        else if (tag.HasSameClassAndValue(Context1) && tag.IsConstructed)
        {
            var revoked = single.ReadSequence(Context1);
            revoked.ReadGeneralizedTime();
            if (revoked.HasData)
            {
                var reason = revoked.ReadSequence(Context0);
                reason.ReadEnumeratedBytes();
                reason.ThrowIfNotEmpty();
            }

            revoked.ThrowIfNotEmpty();
            status = OcspCertStatus.Revoked;
        }
        else if (tag.HasSameClassAndValue(UnknownTag) && !tag.IsConstructed)
        {
            single.ReadNull(UnknownTag);
            status = OcspCertStatus.Unknown;
        }
        else
        {
            throw new AsnContentException("certStatus is not good, revoked or unknown");
        }

        var thisUpdate = single.ReadGeneralizedTime();
        DateTimeOffset? nextUpdate = null;
        if (single.HasData && single.PeekTag().HasSameClassAndValue(Context0))
        {
            var next = single.ReadSequence(Context0);
            nextUpdate = next.ReadGeneralizedTime();
            next.ThrowIfNotEmpty();
        }

        if (single.HasData && UnknownCriticalExtension(single.ReadSequence(Context1)) is { } critical)
        {
            problem = $"the OCSP SingleResponse carries critical extension {critical}, which is not supported";
            return null;
        }

        single.ThrowIfNotEmpty();
        return request.Matches(hashOid, nameHash, keyHash, serial.Span) ? new OcspAnswer(status, thisUpdate, nextUpdate) : null;
    }

    // A delegate the issuer certified directly (RFC 6960 clause 4.2.2.2), included in the response, as the
    // ResponderID names it. A delegate's own revocation is not checked: responder certificates are short-lived and carry
    // id-pkix-ocsp-nocheck by convention (decision 0017).
    private static X509Certificate2? Delegate(ReadOnlyMemory<byte>? name, ReadOnlyMemory<byte>? keyHash, List<ReadOnlyMemory<byte>> certificates, X509Certificate2 issuer, DateTimeOffset now, TimeSpan skew, out string? problem)
    {
        foreach (var encoded in certificates)
        {
            var candidate = X509CertificateLoader.LoadCertificate(encoded.Span);
            if (!Names(candidate, name, keyHash))
            {
                candidate.Dispose();
                continue;
            }

            problem = DelegateProblem(candidate, encoded, issuer, now, skew);
            if (problem is null)
            {
                return candidate;
            }

            candidate.Dispose();
            return null;
        }

        problem = "the OCSP response is signed by a responder that is neither the issuer nor a certificate it included";
        return null;
    }

    private static string? DelegateProblem(X509Certificate2 candidate, ReadOnlyMemory<byte> encoded, X509Certificate2 issuer, DateTimeOffset now, TimeSpan skew)
    {
        if (!candidate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData))
        {
            return $"the OCSP responder certificate {candidate.Subject} was not issued by the certificate's issuer (a responder for another CA)";
        }

        var certificate = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadEncodedValue();
        var oid = ReadAlgorithm(certificate.ReadSequence());
        var signature = certificate.ReadBitString(out _);
        if (!RevocationList.Verify(issuer, oid, tbs.Span, signature))
        {
            return $"the OCSP responder certificate {candidate.Subject} is not signed by the certificate's issuer";
        }

        if (!candidate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == OcspSigning)))
        {
            return $"the OCSP responder certificate {candidate.Subject} lacks id-kp-OCSPSigning: the issuer did not delegate OCSP to it";
        }

        var notBefore = new DateTimeOffset(candidate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(candidate.NotAfter.ToUniversalTime());
        return now < notBefore - skew || now > notAfter + skew
            ? $"the OCSP responder certificate {candidate.Subject} is not valid now ({notBefore:O} to {notAfter:O})"
            : null;
    }

    private static bool Names(X509Certificate2 certificate, ReadOnlyMemory<byte>? name, ReadOnlyMemory<byte>? keyHash)
        => name is { } n ? n.Span.SequenceEqual(certificate.SubjectName.RawData) : keyHash is { } k && k.Span.SequenceEqual(OcspCertId.KeyHashOf(certificate));

    // AlgorithmIdentifier: the OID, and parameters that are absent or NULL (every algorithm accepted here).
    private static string ReadAlgorithm(AsnReader algorithm)
    {
        var oid = algorithm.ReadObjectIdentifier();
        if (algorithm.HasData)
        {
            algorithm.ReadNull();
        }

        algorithm.ThrowIfNotEmpty();
        return oid;
    }

    private static string? UnknownCriticalExtension(AsnReader explicitExtensions)
    {
        var extensions = explicitExtensions.ReadSequence();
        explicitExtensions.ThrowIfNotEmpty();
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            extension.ReadOctetString();
            extension.ThrowIfNotEmpty();
            if (critical)
            {
                return oid;
            }
        }

        return null;
    }

    private static string StatusName(ReadOnlySpan<byte> status) => status.Length != 1 ? "an unreadable status" : status[0] switch
    {
        1 => "malformedRequest",
        2 => "internalError",
        3 => "tryLater",
        5 => "sigRequired",
        6 => "unauthorized",
        var other => $"unknown status {other}",
    };
}

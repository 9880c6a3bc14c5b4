using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Trust.Revocation;
using TppGate.Core.Trust.Revocation.Ocsp;

namespace TppGate.Core.Trust;

/// <summary>QTSP revocation from the CRL cache, or OCSP for a certificate without a CRL (decision 0017), once the chain is trusted (decision 0009).</summary>
public sealed partial class ChainValidator
{
    // Only now, with the chain ending in an anchor, may a distribution point be fetched. The leaf, and any CA the
    // caller forwarded that the anchor set does not name, are checked against their issuer's CRL; CAs the set
    // names are trusted because it names them. clearedUntil is when the first CRL or OCSP answer that cleared a
    // certificate stops being usable.
    private ChainValidationResult? CheckRevocation(X509Chain chain, X509Certificate2 leaf, TrustAnchorSet set, out DateTimeOffset? clearedUntil)
    {
        clearedUntil = null;
        string? allowedNote = null;
        for (var i = 0; i < chain.ChainElements.Count - 1; i++)
        {
            var subject = chain.ChainElements[i].Certificate;
            if (i > 0 && IsConfigured(subject, set))
            {
                continue;
            }

            var which = i == 0 ? "leaf" : "forwarded CA";
            var status = Check(subject, chain.ChainElements[i + 1].Certificate, allowFetch: options.Revocation == RevocationCheck.Online);
            switch (status.State)
            {
                case RevocationState.Good:
                    clearedUntil = Earlier(clearedUntil, status.GoodUntil);
                    break;
                case RevocationState.Revoked:
                    return new ChainValidationResult(false, [ChainFailure.Revoked], $"revoked {which}: {status.Detail}; {subject.Subject}");
                case RevocationState.Unknown when options.AllowUnknownRevocation:
                    allowedNote ??= $"allowed with revocation unknown (Authorizer:Chain:AllowUnknownRevocation) for the {which}: {status.Detail}";
                    break;
                case RevocationState.Unknown:
                    return new ChainValidationResult(false, [ChainFailure.RevocationUnknown], $"revocation unknown for the {which}, denied with 503 (Authorizer:Chain:AllowUnknownRevocation is false): {status.Detail}; {subject.Subject}");
                case RevocationState.NoSource when i == 0 && !options.AllowMissingRevocationSource:
                    return new ChainValidationResult(false, [ChainFailure.NoRevocationSource], $"{status.Detail} while revocation is checked (Authorizer:Chain:AllowMissingRevocationSource is false); leaf {leaf.Subject}");
            }
        }

        return allowedNote is null ? null : new ChainValidationResult(true, [], allowedNote);
    }

    // A certificate with an http(s) CRL distribution point keeps using its CRL; OCSP answers only for one without
    // (decision 0017); one that names neither is NoSource.
    private RevocationStatus Check(X509Certificate2 subject, X509Certificate2 issuer, bool allowFetch)
    {
        var status = revocation!.Check(subject, issuer, allowFetch);
        if (status.State != RevocationState.NoSource || ocsp is null)
        {
            return status;
        }

        var answer = ocsp.Check(subject, issuer, allowFetch);
        return answer.State == RevocationState.NoSource
            ? new(RevocationState.NoSource, "the certificate names neither an http(s) CRL distribution point nor an http(s) OCSP responder")
            : answer;
    }

    private static bool IsConfigured(X509Certificate2 certificate, TrustAnchorSet set)
    {
        var raw = certificate.RawDataMemory.Span;
        foreach (var c in set.Anchors)
        {
            if (c.RawDataMemory.Span.SequenceEqual(raw))
            {
                return true;
            }
        }

        foreach (var c in set.Intermediates)
        {
            if (c.RawDataMemory.Span.SequenceEqual(raw))
            {
                return true;
            }
        }

        return false;
    }
}

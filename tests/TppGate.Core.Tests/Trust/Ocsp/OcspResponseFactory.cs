using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Trust.Revocation.Ocsp;

namespace TppGate.Core.Tests.Trust.Ocsp;

/// <summary>
/// OCSP responses written with AsnWriter and signed with a real key, for what <c>openssl ocsp</c> will not
/// produce: an answer for another serial, a tampered signature, a critical extension, odd encodings.
/// </summary>
internal sealed record OcspResponseFactory(X509Certificate2 Signer, OcspCertId CertId, DateTimeOffset ThisUpdate)
{
    public static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>0 good, 1 revoked, 2 unknown.</summary>
    public int Status { get; init; }

    public DateTimeOffset? NextUpdate { get; init; }

    public byte[]? Serial { get; init; }

    public IReadOnlyList<X509Certificate2> Certificates { get; init; } = [];

    public bool TamperSignature { get; init; }

    public string? CriticalExtension { get; init; }

    public byte[] Build()
    {
        var tbs = Tbs();
        using var key = Signer.GetECDsaPrivateKey() ?? throw new InvalidOperationException("an ECDSA signer is needed");
        var signature = key.SignData(tbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        if (TamperSignature)
        {
            // The last octet of s: the signature stays well-formed but no longer matches.
            signature[^1] ^= 1;
        }

        var basic = new AsnWriter(AsnEncodingRules.DER);
        using (basic.PushSequence())
        {
            basic.WriteEncodedValue(tbs);
            using (basic.PushSequence())
            {
                basic.WriteObjectIdentifier("1.2.840.10045.4.3.2");
            }

            basic.WriteBitString(signature);
            if (Certificates.Count > 0)
            {
                using (basic.PushSequence(Context0))
                using (basic.PushSequence())
                {
                    foreach (var c in Certificates)
                    {
                        basic.WriteEncodedValue(c.RawData);
                    }
                }
            }
        }

        return Wrap(basic.Encode());
    }

    public static byte[] Wrap(byte[] basic, int responseStatus = 0)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteEnumeratedValue((ResponseStatus)responseStatus);
            if (responseStatus == 0)
            {
                using (w.PushSequence(Context0))
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.1");
                    w.WriteOctetString(basic);
                }
            }
        }

        return w.Encode();
    }

    private byte[] Tbs()
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
            {
                w.WriteEncodedValue(Signer.SubjectName.RawData);
            }

            w.WriteGeneralizedTime(ThisUpdate, omitFractionalSeconds: true);
            using (w.PushSequence())
            using (w.PushSequence())
            {
                using (w.PushSequence())
                {
                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier(OcspCertId.Sha1Oid);
                        w.WriteNull();
                    }

                    w.WriteOctetString(CertId.IssuerNameHash);
                    w.WriteOctetString(CertId.IssuerKeyHash);
                    w.WriteInteger(Serial ?? CertId.Serial);
                }

                switch (Status)
                {
                    case 0:
                        w.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 0));
                        break;
                    case 1:
                        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                        {
                            w.WriteGeneralizedTime(ThisUpdate.AddHours(-1), omitFractionalSeconds: true);
                        }

                        break;
                    default:
                        w.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 2));
                        break;
                }

                w.WriteGeneralizedTime(ThisUpdate, omitFractionalSeconds: true);
                if (NextUpdate is { } next)
                {
                    using (w.PushSequence(Context0))
                    {
                        w.WriteGeneralizedTime(next, omitFractionalSeconds: true);
                    }
                }
            }

            if (CriticalExtension is { } oid)
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                using (w.PushSequence())
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(oid);
                    w.WriteBoolean(true);
                    w.WriteOctetString([5, 0]);
                }
            }
        }

        return w.Encode();
    }

    private enum ResponseStatus
    {
        Successful = 0,
    }
}

/// <summary>Counts the requests that reach the network: a cached answer costs none.</summary>
internal sealed class CountingOcspDownloader(IOcspDownloader inner) : IOcspDownloader
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public Task<byte[]?> PostAsync(Uri url, byte[] request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _requests);
        return inner.PostAsync(url, request, cancellationToken);
    }
}

/// <summary>Answers every request with fixed bytes (a response made by <see cref="OcspResponseFactory"/>).</summary>
internal sealed class FixedOcspDownloader(Func<byte[]?> answer) : IOcspDownloader
{
    public Task<byte[]?> PostAsync(Uri url, byte[] request, CancellationToken cancellationToken = default) => Task.FromResult(answer());
}

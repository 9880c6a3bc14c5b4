using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using TppGate.Core.Asn1;
using TppGate.Core.Trust.Revocation;
using TppGate.Core.Trust.Revocation.Ocsp;

namespace TppGate.Core.Trust;

/// <summary>
/// Validates a client certificate against configured trust anchors only (never the machine store), at the
/// time given by a <see cref="TimeProvider"/>. Never throws for a bad certificate: failures are results.
/// </summary>
/// <param name="anchors">Where the current trust anchors come from.</param>
/// <param name="options">The chain policy.</param>
/// <param name="timeProvider">The clock that sets the verification time.</param>
/// <param name="revocation">
/// The CRL cache that decides revocation once the chain validated (decision 0009). Without one, revocation is
/// left to the platform's chain engine per <see cref="ChainValidationOptions.Revocation"/> (fetching inside the
/// chain build, as the command line does).
/// </param>
/// <param name="ocsp">
/// OCSP for a certificate that names a responder but no CRL distribution point (decision 0017); used beside
/// <paramref name="revocation"/>, which a certificate with a distribution point keeps using.
/// </param>
public sealed partial class ChainValidator(ITrustAnchorProvider anchors, ChainValidationOptions options, TimeProvider timeProvider, CrlCache? revocation = null, OcspCache? ocsp = null)
{
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private static readonly byte[] ExtendedKeyUsageOid = CertificateDer.OidContent("2.5.29.37");

    // Signature algorithms whose hash is broken for certificates: MD2, MD5 and SHA-1 with RSA, DSA and ECDSA.
    private static readonly HashSet<string> WeakSignatureOids =
    [
        "1.2.840.113549.1.1.2",
        "1.2.840.113549.1.1.4",
        "1.2.840.113549.1.1.5",
        "1.3.14.3.2.29",
        "1.2.840.10040.4.3",
        "1.2.840.10045.4.1",
    ];

    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    // Named curves of at least 256 bits: NIST P-256, P-384, P-521 and brainpoolP256r1, P384r1, P512r1.
    private static readonly HashSet<string> StrongCurves =
    [
        "1.2.840.10045.3.1.7",
        "1.3.132.0.34",
        "1.3.132.0.35",
        "1.3.36.3.3.2.8.1.1.7",
        "1.3.36.3.3.2.8.1.1.11",
        "1.3.36.3.3.2.8.1.1.13",
    ];

    private const X509ChainStatusFlags RevocationUnknownFlags =
        X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

    /// <summary>Changes when the CRLs behind earlier verdicts change: a cached verdict from another generation is reached again.</summary>
    public long RevocationGeneration => (revocation?.Generation ?? 0) + (ocsp?.Generation ?? 0);

    /// <summary>Validates <paramref name="leaf"/>, using <paramref name="extraIntermediates"/> only as path-building hints.</summary>
    /// <param name="leaf">The client certificate.</param>
    /// <param name="extraIntermediates">Certificates the caller forwarded beside the leaf; never trusted by themselves.</param>
    /// <returns>A trusted result, or every failure found with a detail text for the log.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leaf"/> is null.</exception>
    public ChainValidationResult Validate(X509Certificate2 leaf, IReadOnlyList<X509Certificate2>? extraIntermediates = null)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var set = anchors.Current;
        if (set is null || set.Anchors.Count == 0)
        {
            return new ChainValidationResult(false, [ChainFailure.NoTrustAnchors], "no trust anchors are loaded");
        }

        var now = timeProvider.GetUtcNow();
        using var chain = new X509Chain();
        ConfigurePolicy(chain.ChainPolicy, set, extraIntermediates, now);
        try
        {
            // Build's return value is folded into the status flags read below.
            chain.Build(leaf);
            return Evaluate(chain, leaf, set, now);
        }
        catch (CryptographicException ex)
        {
            // Certificates that OpenSSL cannot even load into a chain context are bad input, not a programmer error.
            return new ChainValidationResult(false, [ChainFailure.Untrusted], $"chain build failed: {ex.Message}; leaf {leaf.Subject}");
        }
        finally
        {
            // Disposing the chain does not dispose the certificates it created for its elements.
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, leaf))
                {
                    element.Certificate.Dispose();
                }
            }

            chain.Reset();
        }
    }

    private void ConfigurePolicy(X509ChainPolicy policy, TrustAnchorSet set, IReadOnlyList<X509Certificate2>? extraIntermediates, DateTimeOffset now)
    {
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(set.Anchors);
        policy.ExtraStore.AddRange(set.Intermediates);
        if (extraIntermediates is not null)
        {
            foreach (var c in extraIntermediates)
            {
                policy.ExtraStore.Add(c);
            }
        }

        if (options.RequireClientAuthentication)
        {
            policy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        }

        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.DisableCertificateDownloads = true;
        policy.RevocationMode = revocation is not null ? X509RevocationMode.NoCheck : options.Revocation switch
        {
            RevocationCheck.Online => X509RevocationMode.Online,
            RevocationCheck.Offline => X509RevocationMode.Offline,
            _ => X509RevocationMode.NoCheck,
        };

        // A root vouches for itself; nobody publishes a CRL that could revoke it.
        policy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        policy.UrlRetrievalTimeout = options.RevocationTimeout;
        policy.VerificationFlags = X509VerificationFlags.NoFlag;
    }

    private ChainValidationResult Evaluate(X509Chain chain, X509Certificate2 leaf, TrustAnchorSet set, DateTimeOffset now)
    {
        var failures = new List<ChainFailure>();
        var flags = X509ChainStatusFlags.NoError;
        foreach (var status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        foreach (var element in chain.ChainElements)
        {
            foreach (var status in element.ChainElementStatus)
            {
                flags |= status.Status;
            }
        }

        // OpenSSL cannot end a chain at a certificate that is not self-signed and reports PartialChain, although it
        // has verified every signature below it (decision 0003). A trusted list names such a certificate as the
        // anchor: when the chain ends exactly there, the missing issuer is by design, not a failure.
        if (EndsInConfiguredAnchor(chain, set))
        {
            flags &= ~X509ChainStatusFlags.PartialChain;
        }

        MapFlags(flags, failures);

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0 || chain.ChainElements.Count == 0)
        {
            AddTimeFailures(chain, leaf, now, failures);
        }

        // X509Chain treats a missing EKU extension as "any purpose"; a QWAC carries one, so required means present.
        if (options.RequireClientAuthentication
            && CertificateDer.TryFindExtension(leaf.RawDataMemory, ExtendedKeyUsageOid, out var eku, out _)
            && eku is null)
        {
            Add(failures, ChainFailure.WrongUsage);
        }

        if (!EndsInConfiguredAnchor(chain, set))
        {
            Add(failures, ChainFailure.Untrusted);
        }

        if (options.RejectWeakAlgorithms && HasWeakAlgorithm(chain, leaf, set))
        {
            Add(failures, ChainFailure.WeakAlgorithm);
        }

        var recheckAt = PeriodsRecheckAt(chain, now);
        if (failures.Count == 0 && revocation is not null && options.Revocation != RevocationCheck.NoCheck)
        {
            var revocationResult = CheckRevocation(chain, leaf, set, out var clearedUntil);
            recheckAt = Earlier(recheckAt, clearedUntil);
            if (revocationResult is not null)
            {
                return revocationResult with { RecheckAt = recheckAt };
            }
        }

        var result = failures.Count == 0
            ? ChainValidationResult.Success
            : new ChainValidationResult(false, failures, Describe(chain, leaf, flags));
        return recheckAt is null ? result : result with { RecheckAt = recheckAt };
    }

    // The next moment a certificate of the chain enters or leaves its period, skew included: a verdict taken now
    // holds until then at most. A certificate already past its period stays there, so it sets no moment.
    private DateTimeOffset? PeriodsRecheckAt(X509Chain chain, DateTimeOffset now)
    {
        DateTimeOffset? at = null;
        var skew = options.ClockSkew;
        foreach (var element in chain.ChainElements)
        {
            var c = element.Certificate;
            var notBefore = new DateTimeOffset(c.NotBefore.ToUniversalTime()) - skew;
            var notAfter = new DateTimeOffset(c.NotAfter.ToUniversalTime()) + skew;
            if (now < notBefore)
            {
                at = Earlier(at, notBefore);
            }
            else if (now <= notAfter)
            {
                at = Earlier(at, notAfter);
            }
        }

        return at;
    }

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b)
        => a is null ? b : b is null ? a : a < b ? a : b;

    private void MapFlags(X509ChainStatusFlags flags, List<ChainFailure> failures)
    {
        if (!options.AllowUnknownRevocation && (flags & RevocationUnknownFlags) != 0)
        {
            Add(failures, ChainFailure.RevocationUnknown);
        }

        // Time is judged against the periods with the allowed skew (AddTimeFailures); revocation-unknown above.
        var rest = flags & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested | RevocationUnknownFlags);
        if (rest == X509ChainStatusFlags.NoError)
        {
            return;
        }

        foreach (var flag in Enum.GetValues<X509ChainStatusFlags>())
        {
            if (flag == X509ChainStatusFlags.NoError || (rest & flag) == 0)
            {
                continue;
            }

            var failure = flag switch
            {
                X509ChainStatusFlags.Revoked => ChainFailure.Revoked,
                X509ChainStatusFlags.NotValidForUsage => ChainFailure.WrongUsage,
                X509ChainStatusFlags.InvalidBasicConstraints => ChainFailure.InvalidBasicConstraints,
                X509ChainStatusFlags.HasNotSupportedCriticalExtension => ChainFailure.UnknownCriticalExtension,
                X509ChainStatusFlags.HasWeakSignature => options.RejectWeakAlgorithms ? ChainFailure.WeakAlgorithm : (ChainFailure?)null,
                _ => ChainFailure.Untrusted,
            };

            if (failure is { } f)
            {
                Add(failures, f);
            }
        }
    }

    private void AddTimeFailures(X509Chain chain, X509Certificate2 leaf, DateTimeOffset now, List<ChainFailure> failures)
    {
        IEnumerable<X509Certificate2> certificates = chain.ChainElements.Count == 0
            ? [leaf]
            : chain.ChainElements.Select(e => e.Certificate);
        var skew = options.ClockSkew;
        foreach (var c in certificates)
        {
            var notBefore = new DateTimeOffset(c.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(c.NotAfter.ToUniversalTime());
            if (now < notBefore - skew)
            {
                Add(failures, ChainFailure.NotYetValid);
            }

            if (now > notAfter + skew)
            {
                Add(failures, ChainFailure.Expired);
            }
        }
    }

    private static bool EndsInConfiguredAnchor(X509Chain chain, TrustAnchorSet set)
        => chain.ChainElements.Count > 0 && IsAnchor(chain.ChainElements[^1].Certificate, set);

    private static bool IsAnchor(X509Certificate2 certificate, TrustAnchorSet set)
    {
        var raw = certificate.RawDataMemory.Span;
        foreach (var anchor in set.Anchors)
        {
            if (anchor.RawDataMemory.Span.SequenceEqual(raw))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasWeakAlgorithm(X509Chain chain, X509Certificate2 leaf, TrustAnchorSet set)
    {
        var count = chain.ChainElements.Count;
        if (count == 0)
        {
            return IsWeakSignature(leaf) || IsWeakKey(leaf);
        }

        for (var i = 0; i < count; i++)
        {
            var c = chain.ChainElements[i].Certificate;
            var isAnchor = i == count - 1 && IsAnchor(c, set);

            // An anchor is trusted as it is: nobody checks its own signature, so its hash does not matter; its key does.
            if ((!isAnchor && IsWeakSignature(c)) || IsWeakKey(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWeakSignature(X509Certificate2 certificate)
        => certificate.SignatureAlgorithm.Value is { } oid && WeakSignatureOids.Contains(oid);

    // Reads the key size from the encoded SubjectPublicKeyInfo: importing the key into the crypto provider for
    // every chain element would cost more than the rest of the check.
    private static bool IsWeakKey(X509Certificate2 certificate)
    {
        var key = certificate.PublicKey;
        try
        {
            switch (key.Oid.Value)
            {
                case RsaEncryptionOid:
                    var rsa = new AsnReader(key.EncodedKeyValue.RawData, AsnEncodingRules.DER).ReadSequence();
                    var modulus = rsa.ReadIntegerBytes().Span.TrimStart((byte)0);
                    return modulus.IsEmpty || (modulus.Length * 8) - (BitOperations.LeadingZeroCount(modulus[0]) - 24) < 2048;
                case EcPublicKeyOid:
                    var curve = new AsnReader(key.EncodedParameters?.RawData ?? [], AsnEncodingRules.DER).ReadObjectIdentifier();
                    return !StrongCurves.Contains(curve);
                default:
                    // DSA and unknown key types are outside the policy: treat them as weak rather than guess.
                    return true;
            }
        }
        catch (AsnContentException)
        {
            return true;
        }
    }

    private static void Add(List<ChainFailure> failures, ChainFailure failure)
    {
        if (!failures.Contains(failure))
        {
            failures.Add(failure);
        }
    }

    private static string Describe(X509Chain chain, X509Certificate2 leaf, X509ChainStatusFlags flags)
    {
        var sb = new StringBuilder();
        sb.Append("flags: ").Append(flags).Append("; leaf: ").Append(leaf.Subject);
        foreach (var element in chain.ChainElements)
        {
            sb.Append("; [").Append(element.Certificate.Subject).Append(']');
            foreach (var status in element.ChainElementStatus)
            {
                sb.Append(' ').Append(status.Status);
            }
        }

        return sb.ToString();
    }
}

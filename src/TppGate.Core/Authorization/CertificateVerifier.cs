using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;

namespace TppGate.Core.Authorization;

/// <summary>
/// Reads, validates and classifies forwarded certificate values, caching each verdict under the exact value (and
/// format and chain), so a warm request costs one fast hash, one look-up and one string comparison.
/// </summary>
public sealed class CertificateVerifier
{
    private readonly ChainValidator _chainValidator;
    private readonly ITrustAnchorProvider _anchors;
    private readonly AuthorizerOptions _options;
    private readonly CertificateReaderOptions _readerOptions;
    private readonly TimeProvider _time;
    private readonly TwoGenerationCache<ValueKey, ValidatedCertificate> _cache;
    private readonly Func<string, CertificateSourceFormat, string?, ulong>? _keyHash;
    private LookupCounts _lookups;

    /// <summary>Creates a verifier.</summary>
    public CertificateVerifier(
        ChainValidator chainValidator,
        ITrustAnchorProvider anchors,
        AuthorizerOptions options,
        CertificateReaderOptions readerOptions,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _chainValidator = chainValidator;
        _anchors = anchors;
        _options = options;
        _readerOptions = readerOptions;
        _time = time;
        _cache = new TwoGenerationCache<ValueKey, ValidatedCertificate>(options.CertificateCacheSize, static key => key.Weight);
    }

    /// <summary>A verifier whose cache keys use <paramref name="hash"/> (tests: a constant hash makes every key collide).</summary>
    internal CertificateVerifier(
        ChainValidator chainValidator,
        ITrustAnchorProvider anchors,
        AuthorizerOptions options,
        CertificateReaderOptions readerOptions,
        TimeProvider time,
        Func<string, CertificateSourceFormat, string?, ulong> hash)
        : this(chainValidator, anchors, options, readerOptions, time)
    {
        _keyHash = hash;
    }

    /// <summary>How many verdicts are cached now.</summary>
    public int CachedCount => _cache.Count;

    /// <summary>Values whose verdict came from the cache since start (for the hit-ratio metric; one interlocked add per look-up, no lock).</summary>
    public long CacheHits => _lookups.Hits;

    /// <summary>Values read and validated because no current verdict was cached (not cached, expired, new anchors or CRLs).</summary>
    public long CacheMisses => _lookups.Misses;

    /// <summary>
    /// The verdict for a forwarded value: null with a deny when it cannot be read or no anchors are loaded
    /// (neither is cached), else a <see cref="ValidatedCertificate"/> whose <see cref="ValidatedCertificate.Failure"/>
    /// says whether it may be used.
    /// </summary>
    public ValidatedCertificate? Verify(string value, CertificateSourceFormat format, string? chainValue, out AuthorizationDecision? deny)
    {
        ArgumentNullException.ThrowIfNull(value);
        deny = null;
        if (value.Length > _readerOptions.MaxValueLength || (chainValue?.Length ?? 0) > _readerOptions.MaxValueLength)
        {
            deny = AuthorizationDecision.Deny(DenyCode.CertificateInvalid, $"{CertificateReadError.TooLarge}: the value is longer than {_readerOptions.MaxValueLength} characters");
            return null;
        }

        var anchors = _anchors.Current;
        var now = _time.GetUtcNow();
        var key = _keyHash is null ? ValueKey.Of(value, format, chainValue) : ValueKey.With(value, format, chainValue, _keyHash);
        var revocationGeneration = _chainValidator.RevocationGeneration;
        if (_cache.TryGet(key, out var cached) && cached.CacheUntil > now && ReferenceEquals(cached.Anchors, anchors) && cached.RevocationGeneration == revocationGeneration)
        {
            _lookups.Hit();
            return cached;
        }

        _lookups.Miss();

        if (anchors is null || anchors.Anchors.Count == 0)
        {
            deny = AuthorizationDecision.Deny(DenyCode.ServiceUnavailable, "no trust anchors are loaded");
            return null;
        }

        var read = ForwardedCertificateReader.Read(value, format, _readerOptions);
        if (!read.Succeeded)
        {
            deny = AuthorizationDecision.Deny(DenyCode.CertificateInvalid, $"{read.Error}: {read.Message}");
            return null;
        }

        using var forwarded = read.Value;
        var extra = forwarded.Chain;
        CertificateChainReadResult chainRead = default;
        if (chainValue is not null)
        {
            chainRead = ForwardedCertificateReader.ReadRfc9440Chain(chainValue, _readerOptions);
            if (!chainRead.Succeeded)
            {
                deny = AuthorizationDecision.Deny(DenyCode.CertificateInvalid, $"chain {chainRead.Error}: {chainRead.Message}");
                return null;
            }

            extra = chainRead.Certificates;
        }

        try
        {
            var verdict = Classify(forwarded, extra, anchors, now, revocationGeneration);
            if (verdict.Failure != DenyCode.ServiceUnavailable)
            {
                _cache.Set(key, verdict);
            }

            return verdict;
        }
        finally
        {
            if (chainRead.Certificates is { } chainCertificates)
            {
                foreach (var c in chainCertificates)
                {
                    c.Dispose();
                }
            }
        }
    }

    private ValidatedCertificate Classify(ForwardedCertificate forwarded, IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> extra, TrustAnchorSet anchors, DateTimeOffset now, long revocationGeneration)
    {
        var certificate = forwarded.Certificate;
        var thumbprints = CertificateThumbprints.Of(certificate);
        var profile = EidasReader.Read(certificate);
        var roles = profile.QcStatements?.Psd2?.Roles is { Count: > 0 } r ? r.Select(x => x.ToCanonicalName()).ToArray() : [];
        var chain = _chainValidator.Validate(certificate, extra);
        var (failure, detail) = Judge(chain, profile);
        var until = now + _options.CertificateCacheTtl;

        // Nothing the verdict was judged on may lapse while it is cached: the period of each certificate in the chain,
        // the leaf's included, the CRL that cleared the certificate, or, for a certificate not yet valid, the moment
        // it becomes valid.
        if (chain.RecheckAt is { } recheckAt && recheckAt < until)
        {
            until = recheckAt;
        }

        return new ValidatedCertificate(
            thumbprints,
            certificate.Subject,
            profile.OrganizationIdentifier?.Value,
            roles,
            profile.QcStatements?.Psd2?.NcaId,
            failure,
            detail,
            until,
            anchors,
            revocationGeneration);
    }

    private (DenyCode? Failure, string? Detail) Judge(ChainValidationResult chain, EidasProfile profile)
    {
        if (!chain.Trusted)
        {
            var f = chain.Failures;
            var code = DenyCodes.FromChain(chain);
            return (code, $"chain: {string.Join(',', f)}; {chain.Detail}");
        }

        if (Psd2Acceptance.Refusal(profile, _options) is { } refusal)
        {
            return (DenyCode.CertificateInvalid, refusal);
        }

        return (null, null);
    }

    /// <summary>
    /// The cache key: the format, the value and the chain value themselves, compared ordinally, so a verdict is
    /// only ever served for the exact bytes it was computed from, whatever the hash does (decision 0018). The 64-bit
    /// XxHash3 (a random seed per process, <see cref="HeaderValueComparer"/>) only spreads keys over buckets and is
    /// compared before the strings. It replaced a SHA-256 of the UTF-8 value, about 1.5 us per request, with a hash
    /// and a comparison of about 0.2 us (issue 12). A key holds the request's strings, so <see cref="Weight"/>
    /// counts them against the cache's capacity.
    /// </summary>
    internal readonly record struct ValueKey(ulong Hash, CertificateSourceFormat Format, string Value, string? Chain)
    {
        /// <summary>Characters of value and chain that one unit of cache capacity may hold.</summary>
        internal const int CharactersPerUnit = 4096;

        /// <summary>Capacity units this key takes: 1, plus 1 per <see cref="CharactersPerUnit"/> characters it holds.</summary>
        public int Weight => 1 + ((Value.Length + (Chain?.Length ?? 0)) / CharactersPerUnit);

        public static ValueKey Of(string value, CertificateSourceFormat format, string? chainValue)
            => With(value, format, chainValue, Hash64);

        /// <summary>A key with another hash function: tests use a constant one to show that a verdict never depends on it.</summary>
        internal static ValueKey With(string value, CertificateSourceFormat format, string? chainValue, Func<string, CertificateSourceFormat, string?, ulong> hash)
            => new(hash(value, format, chainValue), format, value, chainValue);

        public bool Equals(ValueKey other)
            => Hash == other.Hash
               && Format == other.Format
               && string.Equals(Value, other.Value, StringComparison.Ordinal)
               && string.Equals(Chain, other.Chain, StringComparison.Ordinal);

        public override int GetHashCode() => (int)Hash ^ (int)(Hash >> 32);

        private static ulong Hash64(string value, CertificateSourceFormat format, string? chainValue)
        {
            var hash = HeaderValueComparer.Hash(value, (long)format);
            return chainValue is null ? hash : HeaderValueComparer.Hash(chainValue, (long)hash);
        }
    }
}

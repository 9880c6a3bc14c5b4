using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;

namespace TppGate.Core.Authorization;

/// <summary>
/// Reads, validates and classifies forwarded certificate values, caching each verdict under the SHA-256 of
/// the exact value (and format and chain), so a warm request costs one hash and one look-up.
/// </summary>
public sealed class CertificateVerifier
{
    private readonly ChainValidator _chainValidator;
    private readonly ITrustAnchorProvider _anchors;
    private readonly AuthorizerOptions _options;
    private readonly CertificateReaderOptions _readerOptions;
    private readonly TimeSpan _clockSkew;
    private readonly TimeProvider _time;
    private readonly TwoGenerationCache<ValueKey, ValidatedCertificate> _cache;
    private LookupCounts _lookups;

    /// <summary>Creates a verifier.</summary>
    public CertificateVerifier(
        ChainValidator chainValidator,
        ITrustAnchorProvider anchors,
        AuthorizerOptions options,
        CertificateReaderOptions readerOptions,
        ChainValidationOptions chainOptions,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(chainOptions);
        _chainValidator = chainValidator;
        _anchors = anchors;
        _options = options;
        _readerOptions = readerOptions;
        _clockSkew = chainOptions.ClockSkew;
        _time = time;
        _cache = new TwoGenerationCache<ValueKey, ValidatedCertificate>(options.CertificateCacheSize);
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
        var key = ValueKey.Of(value, format, chainValue);
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
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero) + _clockSkew;
        var until = now + _options.CertificateCacheTtl;
        return new ValidatedCertificate(
            thumbprints,
            certificate.Subject,
            profile.OrganizationIdentifier?.Value,
            roles,
            profile.QcStatements?.Psd2?.NcaId,
            failure,
            detail,
            failure is null && notAfter < until ? notAfter : until,
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

    /// <summary>SHA-256 of the format, the value and the chain value: collision-resistant, so a forged value cannot hit another's verdict.</summary>
    private readonly record struct ValueKey(ulong A, ulong B, ulong C, ulong D)
    {
        public static ValueKey Of(string value, CertificateSourceFormat format, string? chainValue)
        {
            var chain = chainValue ?? string.Empty;
            var max = 2 + Encoding.UTF8.GetMaxByteCount(value.Length) + Encoding.UTF8.GetMaxByteCount(chain.Length);
            byte[]? rented = null;
            var buffer = max <= 8192 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
            try
            {
                buffer[0] = (byte)format;
                var n = 1 + Encoding.UTF8.GetBytes(value, buffer[1..]);
                buffer[n++] = chainValue is null ? (byte)0 : (byte)1;
                n += Encoding.UTF8.GetBytes(chain, buffer[n..]);
                Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(buffer[..n], hash);
                var words = MemoryMarshal.Cast<byte, ulong>(hash);
                return new ValueKey(words[0], words[1], words[2], words[3]);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }
}

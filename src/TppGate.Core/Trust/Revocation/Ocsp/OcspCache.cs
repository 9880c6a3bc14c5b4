using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Trust.Revocation.Ocsp;

/// <summary>
/// OCSP for certificates that name a responder but no CRL distribution point (decision 0017). Verified answers
/// are kept per (issuer key, serial) until their nextUpdate, so a check is a dictionary look-up; past nextUpdate
/// the next check asks again, and while the responder cannot answer the last answer is still used for
/// <see cref="ChainValidationOptions.CrlGrace"/>. A missing or expired answer is asked for once (single flight,
/// bounded by <see cref="ChainValidationOptions.RevocationTimeout"/>), and only for a certificate whose chain
/// already validated: the caller asks only then, so a presented certificate cannot aim a request anywhere first.
/// </summary>
public sealed class OcspCache
{
    // After a failed request, checks answer "unknown" at once instead of each asking again.
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry?>>> _inflight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Failure> _failures = new(StringComparer.Ordinal);
    private readonly ChainValidationOptions _options;
    private readonly TimeProvider _time;
    private readonly IOcspDownloader _downloader;
    private long _generation;

    /// <summary>Creates an empty cache.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public OcspCache(ChainValidationOptions options, TimeProvider time, IOcspDownloader downloader)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(downloader);
        _options = options;
        _time = time;
        _downloader = downloader;
    }

    /// <summary>
    /// Changes whenever a certificate's cached status is new or differs from the one before: verdicts reached
    /// before must be reached again. An answer that repeats the status does not change it.
    /// </summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>How many answers are cached.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// The revocation state of <paramref name="certificate"/>, issued by <paramref name="issuer"/> (its validated
    /// chain's next element), from its OCSP responder. May wait up to the revocation timeout for one request when
    /// <paramref name="allowFetch"/> and no current answer is cached. <see cref="RevocationState.NoSource"/> when
    /// the certificate names no http(s) OCSP responder.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public RevocationStatus Check(X509Certificate2 certificate, X509Certificate2 issuer, bool allowFetch)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        var urls = OcspLocations.Of(certificate.RawDataMemory);
        if (urls.Count == 0)
        {
            return new(RevocationState.NoSource, "the certificate names no http(s) OCSP responder");
        }

        OcspCertId id;
        try
        {
            id = OcspCertId.For(certificate, issuer);
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            return new(RevocationState.Unknown, $"no OCSP request can be made for the certificate: {ex.Message}");
        }

        var key = Convert.ToHexString(id.IssuerKeyHash) + ":" + Convert.ToHexString(id.Serial);
        var now = _time.GetUtcNow();
        _entries.TryGetValue(key, out var entry);
        if ((entry is null || now > FreshUntil(entry.Answer)) && allowFetch && WaitForFetch(key, urls, id, issuer) is { } fetched)
        {
            entry = fetched;
        }

        var serial = Convert.ToHexString(id.Serial);
        if (entry is null)
        {
            var why = _failures.TryGetValue(key, out var failure) ? failure.Problem : allowFetch ? "no answer yet" : "never asked (revocation is Offline)";
            return new(RevocationState.Unknown, $"no OCSP answer for serial {serial} from {urls[0]}: {why}");
        }

        if (_time.GetUtcNow() > UsableUntil(entry.Answer))
        {
            return new(RevocationState.Unknown, $"the OCSP answer for serial {serial} from {entry.Url} is stale: nextUpdate {entry.Answer.NextUpdate ?? entry.Answer.ThisUpdate:O} plus grace {_options.CrlGrace} has passed");
        }

        return entry.Answer.Status switch
        {
            OcspCertStatus.Good => new(RevocationState.Good, null, UsableUntil(entry.Answer)),
            OcspCertStatus.Revoked => new(RevocationState.Revoked, $"serial {Convert.ToHexString(id.Serial)} is revoked, says the OCSP responder at {entry.Url}"),
            _ => new(RevocationState.Unknown, $"the OCSP responder at {entry.Url} answers unknown for serial {serial}"),
        };
    }

    private Entry? WaitForFetch(string key, IReadOnlyList<Uri> urls, OcspCertId id, X509Certificate2 issuer)
    {
        if (_failures.TryGetValue(key, out var failed) && _time.GetUtcNow() - failed.At < RetryAfterFailure)
        {
            return null;
        }

        var flight = _inflight.GetOrAdd(key, _ => new Lazy<Task<Entry?>>(() =>
        {
            var copy = X509CertificateLoader.LoadCertificate(issuer.RawData);
            return Task.Run(() => FetchAsync(key, urls, id, copy));
        }));
        try
        {
            // Bounded: the request has its own timeout, and a waiting check never waits past it.
            if (flight.Value.Wait(_options.RevocationTimeout))
            {
                return flight.Value.Result;
            }

            _failures[key] = new Failure(_time.GetUtcNow(), $"no answer within {_options.RevocationTimeout} (Authorizer:Chain:RevocationTimeout)");
            return null;
        }
        catch (AggregateException ex)
        {
            // The downloader reports failures as null; anything else still leaves the state unknown (503).
            _failures[key] = new Failure(_time.GetUtcNow(), $"the request failed: {ex.InnerException?.Message}");
            return null;
        }
        finally
        {
            if (flight.Value.IsCompleted)
            {
                _inflight.TryRemove(KeyValuePair.Create(key, flight));
            }
        }
    }

    private async Task<Entry?> FetchAsync(string key, IReadOnlyList<Uri> urls, OcspCertId id, X509Certificate2 issuer)
    {
        using (issuer)
        {
            try
            {
                var request = id.EncodeRequest();
                string? problem = null;
                foreach (var url in urls)
                {
                    var body = await _downloader.PostAsync(url, request).ConfigureAwait(false);
                    var now = _time.GetUtcNow();
                    var answer = body is null ? null : OcspResponseReader.TryRead(body, id, issuer, now, _options.ClockSkew, out problem);
                    if (body is null)
                    {
                        problem = $"the responder at {url} did not answer (unreachable, slow, too large or an HTTP error)";
                    }
                    else if (answer is not null && now > (answer.NextUpdate ?? answer.ThisUpdate + _options.CrlGrace) + _options.ClockSkew)
                    {
                        problem = $"the responder at {url} answered with a stale response (nextUpdate {answer.NextUpdate ?? answer.ThisUpdate + _options.CrlGrace:O})";
                        answer = null;
                    }
                    else if (answer is null)
                    {
                        problem = $"the response from {url} was refused: {problem}";
                    }

                    if (answer is not null)
                    {
                        _failures.TryRemove(key, out _);
                        return Offer(key, new Entry(answer, url));
                    }
                }

                _failures[key] = new Failure(_time.GetUtcNow(), problem ?? "no responder was asked");
                return null;
            }
            finally
            {
                _inflight.TryRemove(key, out _);
            }
        }
    }

    // Keeps the newer of the cached and the offered answer, so a replayed older "good" cannot undo a revocation.
    private Entry Offer(string key, Entry offered)
    {
        while (true)
        {
            if (!_entries.TryGetValue(key, out var current))
            {
                if (_entries.TryAdd(key, offered))
                {
                    Interlocked.Increment(ref _generation);
                    return offered;
                }

                continue;
            }

            if (current.Answer.ThisUpdate > offered.Answer.ThisUpdate)
            {
                return current;
            }

            if (_entries.TryUpdate(key, offered, current))
            {
                if (current.Answer.Status != offered.Answer.Status)
                {
                    Interlocked.Increment(ref _generation);
                }

                return offered;
            }
        }
    }

    // Asked again from nextUpdate; an answer without one promises nothing, so it is current for one grace period.
    private TimeSpan Grace => _options.CrlGrace;

    private DateTimeOffset FreshUntil(OcspAnswer answer) => answer.NextUpdate ?? answer.ThisUpdate + Grace;

    // While a new answer cannot be had, the last one is still used for one grace period past its nextUpdate.
    private DateTimeOffset UsableUntil(OcspAnswer answer) => (answer.NextUpdate ?? answer.ThisUpdate) + Grace;

    private sealed record Entry(OcspAnswer Answer, Uri Url);

    private sealed record Failure(DateTimeOffset At, string Problem);
}

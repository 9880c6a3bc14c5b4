using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Trust;

namespace TppGate.Azure.KeyVault;

/// <summary>
/// Trust anchors loaded from Key Vault secrets that carry the configured tag, refreshed by
/// <see cref="KeyVaultTrustAnchorRefreshService"/>. Keeps the last good set when Key Vault fails.
/// </summary>
/// <remarks>
/// Only secrets that are enabled, tagged, not backed by a Key Vault certificate (those hold a private key) and of
/// content type <c>application/x-pem-file</c> are read; a PEM that contains a private key is refused.
/// A PEM value carrying <see cref="TrustAnchorPem.NamedAnchorsLine"/> (written from the EU trusted lists) makes its
/// certificates anchors even when they are not self-signed. A refresh that would install a set without an anchor fails instead.
/// </remarks>
public sealed partial class KeyVaultTrustAnchorProvider : ITrustAnchorProvider, IDisposable
{
    /// <summary>The content type an anchor secret must have.</summary>
    public const string PemContentType = "application/x-pem-file";

    private readonly SecretClient _client;
    private readonly KeyVaultTrustAnchorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private TrustAnchorSet? _current;
    private TrustAnchorRefreshResult? _lastResult;

    /// <summary>Creates the provider; nothing is loaded until <see cref="RefreshAsync"/> runs.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public KeyVaultTrustAnchorProvider(
        SecretClient client,
        IOptions<KeyVaultTrustAnchorOptions> options,
        TimeProvider timeProvider,
        ILogger<KeyVaultTrustAnchorProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public TrustAnchorSet? Current => Volatile.Read(ref _current);

    /// <summary>The outcome of the last refresh, or null before the first.</summary>
    public TrustAnchorRefreshResult? LastResult => Volatile.Read(ref _lastResult);

    /// <summary>Refreshes that failed in a row since the last success.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>
    /// Loads the tagged anchors and installs them as <see cref="Current"/> if at least one self-signed root loaded;
    /// otherwise keeps the current set. Expected failures are returned, not thrown.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<TrustAnchorRefreshResult> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            var result = await LoadAsync(cancellationToken);
            if (result.Set is { } set)
            {
                Volatile.Write(ref _current, set);
                ConsecutiveFailures = 0;
                Log.Loaded(_logger, set.Anchors.Count, set.Intermediates.Count, result.Outcome.RejectedSecretCount, set.Source);
            }
            else
            {
                ConsecutiveFailures++;
                var current = Current;
                if (current is null)
                {
                    Log.FailedNeverLoaded(_logger, result.Outcome.Failure, result.Outcome.StatusCode, ConsecutiveFailures);
                }
                else
                {
                    var age = _timeProvider.GetUtcNow() - current.LoadedAt;
                    Log.FailedKeptLastGood(_logger, result.Outcome.Failure, result.Outcome.StatusCode, ConsecutiveFailures, current.Count, age.TotalSeconds);
                }
            }

            Volatile.Write(ref _lastResult, result.Outcome);
            return result.Outcome;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>
    /// The wait before the next refresh: the refresh interval, or the shorter initial retry interval while nothing
    /// has loaded, lengthened or shortened at random by up to <see cref="KeyVaultTrustAnchorOptions.Jitter"/>.
    /// </summary>
    public TimeSpan NextRefreshDelay()
    {
        var baseDelay = Current is null && _options.InitialRetryInterval < _options.RefreshInterval
            ? _options.InitialRetryInterval
            : _options.RefreshInterval;
        var factor = 1 + (_options.Jitter * ((2 * Random.Shared.NextDouble()) - 1));
        return baseDelay * factor;
    }

    /// <inheritdoc />
    public void Dispose() => _refreshLock.Dispose();

    private async Task<(TrustAnchorSet? Set, TrustAnchorRefreshResult Outcome)> LoadAsync(CancellationToken cancellationToken)
    {
        var certificates = new List<X509Certificate2>();
        var named = new List<X509Certificate2>();
        var rejected = 0;
        try
        {
            var names = new List<string>();
            await foreach (var properties in _client.GetPropertiesOfSecretsAsync(cancellationToken))
            {
                if (IsTaggedAnchor(properties))
                {
                    if (properties.Managed || !string.Equals(properties.ContentType, PemContentType, StringComparison.OrdinalIgnoreCase))
                    {
                        // A managed secret backs a Key Vault certificate and holds its private key: never fetch it.
                        Log.SecretRejected(_logger, properties.Name, properties.Managed ? "backs a Key Vault certificate" : "content type is not " + PemContentType);
                        rejected++;
                        continue;
                    }

                    names.Add(properties.Name);
                }
            }

            foreach (var name in names)
            {
                var response = await _client.GetSecretAsync(name, cancellationToken: cancellationToken);
                var reason = ReadPem(response.Value.Value, certificates, named);
                if (reason is not null)
                {
                    Log.SecretRejected(_logger, name, reason);
                    rejected++;
                }
            }
        }
        catch (RequestFailedException e)
        {
            var failure = e.Status switch
            {
                429 => TrustAnchorRefreshFailure.Throttled,
                401 or 403 => TrustAnchorRefreshFailure.AccessDenied,
                0 or >= 500 => TrustAnchorRefreshFailure.VaultUnavailable,
                _ => TrustAnchorRefreshFailure.UnexpectedResponse,
            };
            return (null, new TrustAnchorRefreshResult(failure, 0, rejected, e.Status == 0 ? null : e.Status));
        }
        catch (AuthenticationFailedException)
        {
            return (null, new TrustAnchorRefreshResult(TrustAnchorRefreshFailure.AccessDenied, 0, rejected));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The SDK reports its own per-try network timeout as a cancellation the caller did not ask for.
            return (null, new TrustAnchorRefreshResult(TrustAnchorRefreshFailure.VaultUnavailable, 0, rejected));
        }

        var set = new TrustAnchorSet(certificates, named, _timeProvider.GetUtcNow(), _client.VaultUri.AbsoluteUri);
        if (set.Anchors.Count == 0)
        {
            return (null, new TrustAnchorRefreshResult(TrustAnchorRefreshFailure.NoAnchors, 0, rejected));
        }

        return (set, new TrustAnchorRefreshResult(TrustAnchorRefreshFailure.None, set.Count, rejected));
    }

    private bool IsTaggedAnchor(SecretProperties properties) =>
        properties.Enabled == true
        && properties.Tags.TryGetValue(_options.TagName, out var value)
        && string.Equals(value, _options.TagValue, StringComparison.OrdinalIgnoreCase);

    private static string? ReadPem(string? pem, List<X509Certificate2> certificates, List<X509Certificate2> named)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return "empty value";
        }

        if (pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return "contains a private key";
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return "not a readable PEM certificate";
        }

        if (collection.Count == 0)
        {
            return "no PEM certificate in the value";
        }

        // A secret written from the EU trusted lists names its certificate as an anchor (decision 0012).
        (TrustAnchorPem.NamesEveryCertificateAnAnchor(pem) ? named : certificates).AddRange(collection);
        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "TrustAnchorsLoaded", Level = LogLevel.Information,
            Message = "Loaded {AnchorCount} trust anchors and {IntermediateCount} intermediates from {Source}; {RejectedCount} tagged secrets rejected")]
        public static partial void Loaded(ILogger logger, int anchorCount, int intermediateCount, int rejectedCount, string source);

        [LoggerMessage(EventId = 2, EventName = "TrustAnchorRefreshFailedKeptLastGood", Level = LogLevel.Warning,
            Message = "Trust anchor refresh failed ({Failure}, status {StatusCode}, {ConsecutiveFailures} in a row); keeping the last good set of {CertificateCount} certificates, {AgeSeconds:F0} s old")]
        public static partial void FailedKeptLastGood(ILogger logger, TrustAnchorRefreshFailure failure, int? statusCode, int consecutiveFailures, int certificateCount, double ageSeconds);

        [LoggerMessage(EventId = 3, EventName = "TrustAnchorRefreshFailedNeverLoaded", Level = LogLevel.Error,
            Message = "Trust anchor refresh failed ({Failure}, status {StatusCode}, {ConsecutiveFailures} in a row); no set has loaded, so every request is refused")]
        public static partial void FailedNeverLoaded(ILogger logger, TrustAnchorRefreshFailure failure, int? statusCode, int consecutiveFailures);

        [LoggerMessage(EventId = 4, EventName = "TrustAnchorSecretRejected", Level = LogLevel.Warning,
            Message = "Tagged secret {SecretName} was not loaded as a trust anchor: {Reason}")]
        public static partial void SecretRejected(ILogger logger, string secretName, string reason);
    }
}

using System.Collections.Frozen;
using System.Security.Cryptography;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Certificates;

namespace TppGate.Azure.KeyVault;

/// <summary>
/// The trusted forwarder's certificate read from Key Vault (<see cref="KeyVaultForwarderCertificateOptions"/>):
/// the current version's SHA-256, plus the previous version during <see cref="KeyVaultForwarderCertificateOptions.PreviousVersionOverlap"/>.
/// A disabled, expired or deleted certificate is trusted no more; a Key Vault that cannot be reached keeps the
/// last set read (nothing before the first read), but each thumbprint only until its version expires and the
/// previous version only until the overlap ends, read or not.
/// </summary>
public sealed partial class KeyVaultForwarderCertificateProvider : IForwarderThumbprintSource, IDisposable
{
    private readonly CertificateClient _client;
    private readonly KeyVaultForwarderCertificateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private Snapshot _current = Snapshot.Empty;

    /// <summary>Creates the provider; nothing is trusted until <see cref="RefreshAsync"/> has read the vault.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public KeyVaultForwarderCertificateProvider(CertificateClient client, IOptions<KeyVaultForwarderCertificateOptions> options, TimeProvider time, ILogger<KeyVaultForwarderCertificateProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A thumbprint whose time is up leaves the set here, on the next read of it, so an outage of Key Vault cannot
    /// stretch an expired version's trust or the previous version's overlap.
    /// </remarks>
    public IReadOnlySet<string> Sha256Thumbprints
    {
        get
        {
            var snapshot = Volatile.Read(ref _current);
            var now = _time.GetUtcNow();
            if (snapshot.EarliestEnd > now)
            {
                return snapshot.Set;
            }

            var pruned = snapshot.Without(now);
            Interlocked.CompareExchange(ref _current, pruned, snapshot);
            return pruned.Set;
        }
    }

    /// <summary>When the vault was last read successfully; null before.</summary>
    public DateTimeOffset? LoadedAt { get; private set; }

    /// <summary>
    /// Reads the certificate's current version (and the previous one while inside the overlap) and installs the
    /// thumbprints. True when the vault answered (a missing or disabled certificate installs an empty set);
    /// false when it could not be read, keeping the last set.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            var snapshot = Snapshot.Of(await ReadAsync(cancellationToken));
            Volatile.Write(ref _current, snapshot);
            LoadedAt = _time.GetUtcNow();
            Log.Loaded(_logger, _options.CertificateName!, snapshot.Set.Count);
            return true;
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.Failed(_logger, _options.CertificateName!, e.GetType().Name, Sha256Thumbprints.Count);
            return false;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>The wait before the next refresh: the short retry until something loaded, then the interval.</summary>
    public TimeSpan NextRefreshDelay() => LoadedAt is null ? _options.InitialRetryInterval : _options.RefreshInterval;

    /// <inheritdoc />
    public void Dispose() => _refreshLock.Dispose();

    private async Task<Dictionary<string, DateTimeOffset>> ReadAsync(CancellationToken cancellationToken)
    {
        var name = _options.CertificateName!;
        var now = _time.GetUtcNow();
        KeyVaultCertificateWithPolicy current;
        try
        {
            current = (await _client.GetCertificateAsync(name, cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Deleted: nobody is trusted by this certificate any more.
            return [];
        }

        // Each thumbprint with the end of its trust.
        var trusted = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (Usable(current.Properties, now) && current.Cer is { Length: > 0 } cer)
        {
            trusted[Convert.ToHexStringLower(SHA256.HashData(cer))] = current.Properties.ExpiresOn ?? DateTimeOffset.MaxValue;
        }

        if (_options.PreviousVersionOverlap > TimeSpan.Zero && current.Properties.CreatedOn is { } created && now - created < _options.PreviousVersionOverlap)
        {
            CertificateProperties? previous = null;
            await foreach (var version in _client.GetPropertiesOfCertificateVersionsAsync(name, cancellationToken))
            {
                if (version.Version != current.Properties.Version && Usable(version, now) && version.CreatedOn < created
                    && (previous is null || version.CreatedOn > previous.CreatedOn))
                {
                    previous = version;
                }
            }

            if (previous is not null && (await _client.GetCertificateVersionAsync(name, previous.Version, cancellationToken)).Value is { Cer: { Length: > 0 } previousCer })
            {
                var overlapEnds = created + _options.PreviousVersionOverlap;
                var until = previous.ExpiresOn is { } expires && expires < overlapEnds ? expires : overlapEnds;
                trusted.TryAdd(Convert.ToHexStringLower(SHA256.HashData(previousCer)), until);
            }
        }

        return trusted;
    }

    private static bool Usable(CertificateProperties properties, DateTimeOffset now) =>
        properties.Enabled == true
        && (properties.NotBefore is not { } notBefore || notBefore <= now)
        && (properties.ExpiresOn is not { } expires || expires > now);

    /// <summary>The trusted thumbprints, each with the end of its trust, and the earliest of those ends.</summary>
    private sealed class Snapshot
    {
        private readonly KeyValuePair<string, DateTimeOffset>[] _entries;

        private Snapshot(KeyValuePair<string, DateTimeOffset>[] entries)
        {
            _entries = entries;
            Set = entries.Select(e => e.Key).ToFrozenSet(StringComparer.Ordinal);
            EarliestEnd = entries.Length == 0 ? DateTimeOffset.MaxValue : entries.Min(e => e.Value);
        }

        public static Snapshot Empty { get; } = new([]);

        public FrozenSet<string> Set { get; }

        public DateTimeOffset EarliestEnd { get; }

        public static Snapshot Of(Dictionary<string, DateTimeOffset> trusted) => new([.. trusted]);

        public Snapshot Without(DateTimeOffset now) => new([.. _entries.Where(e => e.Value > now)]);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, EventName = "ForwarderCertificateLoaded", Level = LogLevel.Information,
            Message = "Trusted forwarder certificate {CertificateName} read from Key Vault: {Count} thumbprint(s) trusted")]
        public static partial void Loaded(ILogger logger, string certificateName, int count);

        [LoggerMessage(EventId = 31, EventName = "ForwarderCertificateRefreshFailed", Level = LogLevel.Warning,
            Message = "Trusted forwarder certificate {CertificateName} could not be read ({Error}); keeping {Count} thumbprint(s)")]
        public static partial void Failed(ILogger logger, string certificateName, string error, int count);
    }
}

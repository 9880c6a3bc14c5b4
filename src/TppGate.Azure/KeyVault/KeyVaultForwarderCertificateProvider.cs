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
/// last set read (nothing before the first read).
/// </summary>
public sealed partial class KeyVaultForwarderCertificateProvider : IForwarderThumbprintSource, IDisposable
{
    private readonly CertificateClient _client;
    private readonly KeyVaultForwarderCertificateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private FrozenSet<string> _current = FrozenSet<string>.Empty;

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
    public IReadOnlySet<string> Sha256Thumbprints => Volatile.Read(ref _current);

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
            var set = await ReadAsync(cancellationToken);
            Volatile.Write(ref _current, set);
            LoadedAt = _time.GetUtcNow();
            Log.Loaded(_logger, _options.CertificateName!, set.Count);
            return true;
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.Failed(_logger, _options.CertificateName!, e.GetType().Name, _current.Count);
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

    private async Task<FrozenSet<string>> ReadAsync(CancellationToken cancellationToken)
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
            return FrozenSet<string>.Empty;
        }

        var trusted = new HashSet<string>(StringComparer.Ordinal);
        if (Usable(current.Properties, now) && current.Cer is { Length: > 0 } cer)
        {
            trusted.Add(Convert.ToHexStringLower(SHA256.HashData(cer)));
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
                trusted.Add(Convert.ToHexStringLower(SHA256.HashData(previousCer)));
            }
        }

        return trusted.ToFrozenSet(StringComparer.Ordinal);
    }

    private static bool Usable(CertificateProperties properties, DateTimeOffset now) =>
        properties.Enabled == true
        && (properties.NotBefore is not { } notBefore || notBefore <= now)
        && (properties.ExpiresOn is not { } expires || expires > now);

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

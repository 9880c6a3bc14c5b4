using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;

namespace TppGate.Azure.Tables;

/// <summary>
/// <see cref="IBindingStore"/> on Azure Table Storage. The certificate entity (partition "cert_{sha256}") is
/// the source of truth and is only ever inserted with AddEntity or replaced with its ETag, never upserted:
/// insert-if-absent makes "one certificate, one client" atomic across instances, and since no write turns a
/// revoked entity back to active, revocation is final. The client index, audit trail and change log live in
/// other partitions of the same table; see docs/decisions/0002-binding-storage-layout.md for the order of
/// writes and what a crash between them leaves.
/// </summary>
/// <remarks>
/// Look-ups by certificate go through the hot-path client (tight timeouts); everything else through the admin
/// client. Every storage failure other than the expected 404/409/412 becomes
/// <see cref="BindingStoreUnavailableException"/>; an exception from a write means its outcome is unknown, and
/// repeating the same call is safe.
/// </remarks>
public sealed partial class TableBindingStore : IBindingStore
{
    private const int MaxRevokeAttempts = 4;

    private readonly TableClient _hotPath;
    private readonly TableClient _admin;
    private readonly TableBindingStoreOptions _options;
    private readonly ILogger<TableBindingStore> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _initializeLock = new();
    private Task? _initialized;

    /// <summary>Creates the store over two clients of the same table.</summary>
    /// <param name="hotPathClient">Used for look-ups by certificate; give it <see cref="CreateHotPathClientOptions"/>.</param>
    /// <param name="adminClient">Used for everything else; give it <see cref="CreateAdminClientOptions"/>.</param>
    /// <param name="options">The store options.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for audit and change rows; the system clock when null.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    public TableBindingStore(
        TableClient hotPathClient,
        TableClient adminClient,
        IOptions<TableBindingStoreOptions> options,
        ILogger<TableBindingStore> logger,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(hotPathClient);
        ArgumentNullException.ThrowIfNull(adminClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _hotPath = hotPathClient;
        _admin = adminClient;
        _options = options.Value;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Client options for the hot path: few tries, a short per-try network timeout, a short delay.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static TableClientOptions CreateHotPathClientOptions(TableBindingStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CreateClientOptions(options.HotPathMaxRetries, options.HotPathNetworkTimeout, options.HotPathRetryDelay, RetryMode.Fixed);
    }

    /// <summary>Client options for writes, listings, audit and the change feed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static TableClientOptions CreateAdminClientOptions(TableBindingStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CreateClientOptions(options.AdminMaxRetries, options.AdminNetworkTimeout, options.AdminRetryDelay, RetryMode.Exponential);
    }

    /// <summary>Creates the table when <see cref="TableBindingStoreOptions.CreateTableIfNotExists"/> is set.</summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (!_options.CreateTableIfNotExists)
        {
            return;
        }

        try
        {
            await _admin.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("create table", ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The binding's client_id or SHA-256 is not valid.</exception>
    public async Task<RegisterResult> RegisterAsync(CertificateBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (!BindingKeys.IsValidClientId(binding.ClientId))
        {
            throw new ArgumentException("The client_id is not valid; check it with BindingKeys.IsValidClientId.", nameof(binding));
        }

        if (!Thumbprint.TryParseSha256(binding.Sha256, out var sha256))
        {
            throw new ArgumentException("The SHA-256 is not 32 bytes of hex.", nameof(binding));
        }

        // A registration always creates an active binding; revocation fields come only from RevokeAsync.
        var requested = binding with
        {
            Sha256 = sha256,
            Status = BindingStatus.Active,
            RevokedAt = null,
            RevokedBy = null,
            RevocationReason = null,
            Version = 1,
        };
        var operation = NewOperationId();

        await EnsureInitializedAsync(cancellationToken);
        var existing = await ReadCertificateEntityAsync(_admin, sha256, cancellationToken);
        if (existing is not null)
        {
            return await ExistingOutcomeAsync(existing, requested, operation, cancellationToken);
        }

        // The identity row before anything else (decision 0011): one encoding per issuer and serial, ever.
        if (requested.IssuerSerialSha256 is { } identity && await ClaimIdentityAsync(identity, requested, cancellationToken) is { } taken)
        {
            return taken;
        }

        // The feed entry goes first (decision 0010): readers treat the certificate as changing until they see
        // the insert land, so whatever fails after this point, no reader keeps "not bound" cached.
        await AppendChangeAsync(sha256, requested.ClientId, ChangeEntity.ActionRegister, operation, cancellationToken);
        var entity = CertificateEntity.FromBinding(requested);
        entity.OperationId = operation;
        if (!await TryAddAsync(entity, cancellationToken))
        {
            var winner = await ReadCertificateEntityAsync(_admin, sha256, cancellationToken)
                         ?? throw new BindingStoreUnavailableException("A certificate entity reported as existing could not be read.");
            if (!string.Equals(winner.OperationId, operation, StringComparison.Ordinal))
            {
                return await ExistingOutcomeAsync(winner, requested, operation, cancellationToken);
            }

            // 409 on our own insert: its response was lost and the SDK's retry met what the first try wrote.
            entity = winner;
        }

        var stored = entity.ToBinding();
        await IndexAndAuditAsync(entity, late: false, cancellationToken);
        LogRegistered(_logger, sha256, stored.CreatedBy);
        return new RegisterResult(RegisterOutcome.Created, stored);
    }

    /// <inheritdoc />
    public async Task<RevokeResult> RevokeAsync(string clientId, string sha256, string actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(reason);
        if (!BindingKeys.IsValidClientId(clientId) || !Thumbprint.TryParseSha256(sha256, out var key))
        {
            return new RevokeResult(RevokeOutcome.NotFound, null);
        }

        await EnsureInitializedAsync(cancellationToken);
        var operation = NewOperationId();
        var appended = false;
        for (var attempt = 0; attempt < MaxRevokeAttempts; attempt++)
        {
            var current = await ReadCertificateEntityAsync(_admin, key, cancellationToken);
            if (current is null || !string.Equals(current.ClientId, clientId, StringComparison.Ordinal))
            {
                return new RevokeResult(RevokeOutcome.NotFound, null);
            }

            if (current.Status != CertificateEntity.StatusActive)
            {
                // Revoked already, by this call (a lost response) or another: either way its index and audit
                // rows are made sure of, so a retry repairs what an interrupted revocation left out.
                await RecordRevocationAsync(current, cancellationToken);
                var ours = string.Equals(current.RevokeOperationId, operation, StringComparison.Ordinal);
                return new RevokeResult(ours ? RevokeOutcome.Revoked : RevokeOutcome.AlreadyRevoked, current.ToBinding());
            }

            // Before the certificate write, so that no revocation can be committed without a feed entry.
            if (!appended)
            {
                await AppendChangeAsync(key, clientId, ChangeEntity.ActionRevoke, operation, cancellationToken);
                appended = true;
            }

            // The last update's audit row, should its call have stopped before writing it (decision 0014).
            await RecordUpdateAsync(current, cancellationToken);
            var revoked = CertificateEntity.FromBinding(current.ToBinding() with
            {
                Status = BindingStatus.Revoked,
                RevokedBy = actor,
                // Whole milliseconds, so the stored value (and the audit row key made from it) reads back exactly.
                RevokedAt = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds()),
                RevocationReason = reason,
                Version = current.Version + 1,
            }).WithStoreFieldsOf(current);
            revoked.RevokeOperationId = operation;
            if (!await TryReplaceAsync(revoked, current.ETag, cancellationToken))
            {
                // The entity changed since the read: a concurrent revocation, or this one whose response was
                // lost. The next read tells which.
                continue;
            }

            await RecordRevocationAsync(revoked, cancellationToken);
            LogRevoked(_logger, key, actor);
            return new RevokeResult(RevokeOutcome.Revoked, revoked.ToBinding());
        }

        throw new BindingStoreUnavailableException("The certificate entity kept changing during revocation.");
    }

    /// <inheritdoc />
    public async Task<CertificateBinding?> GetByCertificateAsync(string sha256, CancellationToken cancellationToken = default)
    {
        if (!Thumbprint.TryParseSha256(sha256, out var key))
        {
            return null;
        }

        await EnsureInitializedAsync(cancellationToken);
        return await ReadCertificateAsync(_hotPath, key, cancellationToken);
    }

    private static TableClientOptions CreateClientOptions(int maxRetries, TimeSpan networkTimeout, TimeSpan delay, RetryMode mode)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = maxRetries;
        options.Retry.NetworkTimeout = networkTimeout;
        options.Retry.Delay = delay;
        options.Retry.MaxDelay = delay * 8;
        options.Retry.Mode = mode;
        return options;
    }

    private static string NewOperationId() => Guid.NewGuid().ToString("N");

    private static AuditRecord ToAuditRecord(AuditEntity row) => new(
        row.ClientId,
        row.Sha256,
        Enum.TryParse<AuditAction>(row.Action, out var action) ? action : AuditAction.Refused,
        row.Actor,
        row.At,
        row.Reason,
        FromJson(row.Before),
        FromJson(row.After));

    private static CertificateBinding? FromJson(string? json)
        => json is null ? null : JsonSerializer.Deserialize(json, EntityJson.Default.CertificateEntity)?.ToBinding();

    private static string? ToJson(CertificateBinding? binding)
        => binding is null ? null : JsonSerializer.Serialize(CertificateEntity.FromBinding(binding), EntityJson.Default.CertificateEntity);

    /// <summary>
    /// True for every failure but the caller's own cancellation, which propagates as is. Storage statuses,
    /// per-try timeouts (Azure.Core reports them as cancellations), exhausted retries (AggregateException),
    /// refused connections and credential failures (AuthenticationFailedException from managed identity,
    /// CredentialUnavailableException) all mean the same to a caller: the store is unavailable, fail closed.
    /// </summary>
    private static bool IsDependencyFailure(Exception ex, CancellationToken cancellationToken)
        => ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private BindingStoreUnavailableException Unavailable(string operation, Exception ex)
    {
        LogUnavailable(_logger, operation, (ex as RequestFailedException)?.Status ?? 0, ex);
        return new BindingStoreUnavailableException($"Binding storage failed during {operation}.", ex);
    }

    private Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (!_options.CreateTableIfNotExists)
        {
            return Task.CompletedTask;
        }

        lock (_initializeLock)
        {
            // A failed attempt is forgotten, so that the next call tries again once storage is back.
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled)
            {
                _initialized = InitializeAsync(cancellationToken);
            }

            return _initialized;
        }
    }

    private async Task<CertificateBinding?> ReadCertificateAsync(TableClient client, string sha256, CancellationToken cancellationToken)
        => (await ReadCertificateEntityAsync(client, sha256, cancellationToken))?.ToBinding();

    private async Task<CertificateEntity?> ReadCertificateEntityAsync(TableClient client, string sha256, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetEntityIfExistsAsync<CertificateEntity>(
                CertificateEntity.PartitionFor(sha256), CertificateEntity.Row, cancellationToken: cancellationToken);
            return response.HasValue ? response.Value : null;
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("read certificate", ex);
        }
    }

    private async Task<bool> TryAddAsync(CertificateEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await _admin.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("add certificate", ex);
        }
    }

    private async Task<bool> TryReplaceAsync(CertificateEntity entity, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await _admin.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("replace certificate", ex);
        }
    }

    [LoggerMessage(EventId = 2001, EventName = "BindingRegistered", Level = LogLevel.Information,
        Message = "Certificate {Sha256} bound by {Actor}")]
    private static partial void LogRegistered(ILogger logger, string sha256, string actor);

    [LoggerMessage(EventId = 2002, EventName = "BindingRevoked", Level = LogLevel.Information,
        Message = "Binding of certificate {Sha256} revoked by {Actor}")]
    private static partial void LogRevoked(ILogger logger, string sha256, string actor);

    [LoggerMessage(EventId = 2003, EventName = "BindingRefused", Level = LogLevel.Information,
        Message = "Registration of certificate {Sha256} refused: {Outcome}")]
    private static partial void LogRefused(ILogger logger, string sha256, string outcome);

    [LoggerMessage(EventId = 2004, EventName = "BindingIndexRepaired", Level = LogLevel.Warning,
        Message = "Certificate {Sha256} had no client index row (an interrupted registration); writing it now")]
    private static partial void LogRepairingIndex(ILogger logger, string sha256);

    [LoggerMessage(EventId = 2005, EventName = "BindingStoreUnavailable", Level = LogLevel.Warning,
        Message = "Binding storage failed during {Operation} (status {Status})")]
    private static partial void LogUnavailable(ILogger logger, string operation, int status, Exception exception);

    [LoggerMessage(EventId = 2008, EventName = "BindingUpdated", Level = LogLevel.Information,
        Message = "Binding of certificate {Sha256} updated to version {Version} by {Actor}")]
    private static partial void LogUpdated(ILogger logger, string sha256, long version, string actor);

    [LoggerMessage(EventId = 2006, EventName = "ExpiringScanTruncated", Level = LogLevel.Warning,
        Message = "The expiring-bindings scan stopped at {Limit} results")]
    private static partial void LogExpiringTruncated(ILogger logger, int limit);
}

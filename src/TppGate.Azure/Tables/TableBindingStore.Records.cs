using System.Globalization;
using Azure;
using Azure.Data.Tables;
using TppGate.Core.Bindings;

namespace TppGate.Azure.Tables;

/// <summary>
/// The client index and audit rows: written after the certificate write, and made sure of again by every later
/// call that meets the same binding, so an interrupted call's rows are repaired by the next one. Every row key
/// is derived from the operation it records, so a retried write meets its own row (409) and counts as done.
/// </summary>
public sealed partial class TableBindingStore
{
    private async Task<RegisterResult> ExistingOutcomeAsync(CertificateEntity existing, CertificateBinding requested, string operation, CancellationToken cancellationToken)
    {
        var binding = existing.ToBinding();
        if (existing.Status != CertificateEntity.StatusActive)
        {
            await RecordRevocationAsync(existing, cancellationToken);
            await AddAuditAsync(AuditAction.Refused, requested.ClientId, existing.Sha256, requested.CreatedBy, _time.GetUtcNow(), operation,
                "The certificate's binding was revoked; it cannot be bound again.", null, null, cancellationToken);
            LogRefused(_logger, existing.Sha256, nameof(RegisterOutcome.Blocked));
            return new RegisterResult(RegisterOutcome.Blocked, binding);
        }

        if (!string.Equals(existing.ClientId, requested.ClientId, StringComparison.Ordinal))
        {
            await AddAuditAsync(AuditAction.Refused, requested.ClientId, existing.Sha256, requested.CreatedBy, _time.GetUtcNow(), operation,
                "The certificate is bound to another client.", null, null, cancellationToken);
            LogRefused(_logger, existing.Sha256, nameof(RegisterOutcome.BoundElsewhere));
            return new RegisterResult(RegisterOutcome.BoundElsewhere, binding);
        }

        // Nothing is written, except the index and audit rows an interrupted registration left out.
        await EnsureIndexedAsync(existing, cancellationToken);
        if (!binding.HasSameSettings(requested))
        {
            LogRefused(_logger, existing.Sha256, nameof(RegisterOutcome.SettingsDiffer));
            return new RegisterResult(RegisterOutcome.SettingsDiffer, binding);
        }

        return new RegisterResult(RegisterOutcome.AlreadyBound, binding);
    }

    /// <summary>
    /// Inserts the identity row naming <paramref name="requested"/>'s encoding; null when it names it (now or from
    /// an earlier try), else the refusal: another encoding with the same issuer and serial came first.
    /// </summary>
    private async Task<RegisterResult?> ClaimIdentityAsync(string identity, CertificateBinding requested, CancellationToken cancellationToken)
    {
        var row = new IdentityEntity
        {
            PartitionKey = IdentityEntity.PartitionFor(identity),
            RowKey = IdentityEntity.Row,
            Sha256 = requested.Sha256,
            ClientId = requested.ClientId,
        };
        try
        {
            await _admin.AddEntityAsync(row, cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Exists: ours (a retry, or a lost response) or another encoding's.
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("add identity", ex);
        }

        IdentityEntity existing;
        try
        {
            existing = (await _admin.GetEntityAsync<IdentityEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken)).Value;
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("read identity", ex);
        }

        if (string.Equals(existing.Sha256, requested.Sha256, StringComparison.Ordinal))
        {
            return null;
        }

        var holder = await ReadCertificateAsync(_admin, existing.Sha256, cancellationToken)
                     ?? requested with { Sha256 = existing.Sha256, ClientId = existing.ClientId, Thumbprint = Core.Certificates.Thumbprint.HexToX5tS256(existing.Sha256) };
        await AddAuditAsync(AuditAction.Refused, requested.ClientId, requested.Sha256, requested.CreatedBy, _time.GetUtcNow(), NewOperationId(),
            $"Another encoding of this certificate (same issuer and serial, SHA-256 {existing.Sha256}) was registered first.", null, null, cancellationToken);
        LogRefused(_logger, requested.Sha256, nameof(RegisterOutcome.IdentityTaken));
        return new RegisterResult(RegisterOutcome.IdentityTaken, holder);
    }

    /// <summary>The index row and the Registered audit row of a stored binding, in one entity group transaction.</summary>
    private async Task IndexAndAuditAsync(CertificateEntity stored, bool late, CancellationToken cancellationToken)
    {
        var binding = stored.ToBinding();
        var partition = ClientIndexEntity.PartitionFor(binding.ClientId);
        var index = new ClientIndexEntity
        {
            PartitionKey = partition,
            RowKey = ClientIndexEntity.RowPrefix + binding.Sha256,
            ClientId = binding.ClientId,
            Sha256 = binding.Sha256,
            CreatedAt = binding.CreatedAt,
        };
        var registered = binding with
        {
            Status = BindingStatus.Active,
            RevokedAt = null,
            RevokedBy = null,
            RevocationReason = null,
        };
        var audit = NewAudit(partition, AuditAction.Registered, binding.ClientId, binding.Sha256, binding.CreatedBy,
            binding.CreatedAt, OperationKey(stored.OperationId, binding.Sha256),
            late ? "Recorded late: the registration was interrupted before its index and audit rows were written." : binding.Note,
            null, registered);
        try
        {
            await _admin.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, index), new TableTransactionAction(TableTransactionActionType.Add, audit)],
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The index row exists, written with its audit row: by this call (a lost response) or a repair.
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("write index and audit", ex);
        }
    }

    private async Task EnsureIndexedAsync(CertificateEntity stored, CancellationToken cancellationToken)
    {
        bool exists;
        try
        {
            var response = await _admin.GetEntityIfExistsAsync<ClientIndexEntity>(
                ClientIndexEntity.PartitionFor(stored.ClientId), ClientIndexEntity.RowPrefix + stored.Sha256, cancellationToken: cancellationToken);
            exists = response.HasValue;
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("read index", ex);
        }

        if (!exists)
        {
            LogRepairingIndex(_logger, stored.Sha256);
            await IndexAndAuditAsync(stored, late: true, cancellationToken);
        }
    }

    /// <summary>The index row (repaired if missing) and the one Revoked audit row of a revoked binding.</summary>
    private async Task RecordRevocationAsync(CertificateEntity revoked, CancellationToken cancellationToken)
    {
        await EnsureIndexedAsync(revoked, cancellationToken);
        var after = revoked.ToBinding();
        var before = after with { Status = BindingStatus.Active, RevokedAt = null, RevokedBy = null, RevocationReason = null };
        await AddAuditAsync(AuditAction.Revoked, after.ClientId, after.Sha256, after.RevokedBy ?? "", after.RevokedAt ?? after.CreatedAt,
            OperationKey(revoked.RevokeOperationId, after.Sha256), after.RevocationReason, before, after, cancellationToken);
    }

    private async Task AddAuditAsync(
        AuditAction action, string clientId, string sha256, string actor, DateTimeOffset at, string operation, string? reason,
        CertificateBinding? before, CertificateBinding? after, CancellationToken cancellationToken)
    {
        var row = NewAudit(ClientIndexEntity.PartitionFor(clientId), action, clientId, sha256, actor, at, operation, reason, before, after);
        try
        {
            await _admin.AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // This very record exists: the row key is derived from the operation it records.
        }
        catch (Exception ex) when (IsDependencyFailure(ex, cancellationToken))
        {
            throw Unavailable("write audit", ex);
        }
    }

    /// <summary>
    /// An operation's key for row keys. Entities written before operation ids existed use their SHA-256: they
    /// had one registration and at most one revocation each.
    /// </summary>
    private static string OperationKey(string? operationId, string sha256) => string.IsNullOrEmpty(operationId) ? "s" + sha256 : operationId;

    private static AuditEntity NewAudit(
        string partition, AuditAction action, string clientId, string sha256, string actor, DateTimeOffset at, string operation, string? reason,
        CertificateBinding? before, CertificateBinding? after) => new()
        {
            PartitionKey = partition,
            RowKey = AuditEntity.RowPrefix + (at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond)).ToString("D19", CultureInfo.InvariantCulture) + "_" + action.ToString().ToLowerInvariant() + "_" + operation,
            ClientId = clientId,
            Sha256 = sha256,
            Action = action.ToString(),
            Actor = actor,
            At = at,
            Reason = reason,
            Before = ToJson(before),
            After = ToJson(after),
        };
}

using TppGate.Core.Bindings;
using TppGate.Core.Certificates;

namespace TppGate.Azure.Tables;

/// <summary>
/// The audited update of an active binding's activation window or note (decision 0014): read the certificate
/// entity, announce the version the write will store in the change feed, replace the entity under the ETag read,
/// then write the audit row. A 412 re-reads and, if the binding is still active, announces the next version and
/// tries again (a bounded number of times); the update is never applied over a state it did not read.
/// </summary>
public sealed partial class TableBindingStore
{
    private const int MaxUpdateAttempts = 4;

    /// <inheritdoc />
    public async Task<UpdateResult> UpdateAsync(string clientId, string sha256, BindingUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!BindingKeys.IsValidClientId(clientId) || !Thumbprint.TryParseSha256(sha256, out var key))
        {
            return new UpdateResult(UpdateOutcome.NotFound, null);
        }

        await EnsureInitializedAsync(cancellationToken);
        var operation = NewOperationId();
        long announced = 0;
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var current = await ReadCertificateEntityAsync(_admin, key, cancellationToken);
            if (current is null || !string.Equals(current.ClientId, clientId, StringComparison.Ordinal))
            {
                return new UpdateResult(UpdateOutcome.NotFound, null);
            }

            if (string.Equals(current.UpdateOperationId, operation, StringComparison.Ordinal))
            {
                // This call's replace landed and its response was lost: the SDK's retry met 412.
                await RecordUpdateAsync(current, cancellationToken);
                return new UpdateResult(UpdateOutcome.Updated, current.ToBinding());
            }

            if (current.Status != CertificateEntity.StatusActive)
            {
                return new UpdateResult(UpdateOutcome.Revoked, current.ToBinding());
            }

            // Repair first: the previous update's audit row, should its call have stopped before writing it.
            await RecordUpdateAsync(current, cancellationToken);
            var before = current.ToBinding();
            var after = update.ApplyTo(before);
            if ((update.ActiveFrom is not null || update.ActiveUntil is not null) && BindingUpdate.WindowProblem(after) is { } problem)
            {
                return new UpdateResult(UpdateOutcome.WindowInvalid, before, problem);
            }

            if (after.HasSameSettings(before))
            {
                return new UpdateResult(UpdateOutcome.Unchanged, before);
            }

            // The intent goes first and names the version this write stores: readers keep the certificate
            // uncached until storage holds that version (or a later one, or is revoked), after which this write
            // can no longer land. A retry after a 412 writes another version, so it announces again.
            var version = current.Version + 1;
            if (announced != version)
            {
                await AppendChangeAsync(key, clientId, ChangeEntity.ActionUpdate, operation + "-v" + version.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken, version);
                announced = version;
            }

            var entity = CertificateEntity.FromBinding(after with { Version = version }).WithStoreFieldsOf(current);
            entity.UpdateOperationId = operation;
            entity.UpdatedBy = update.Actor;
            entity.UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
            entity.PreviousActiveFrom = before.ActiveFrom;
            entity.PreviousActiveUntil = before.ActiveUntil;
            entity.PreviousNote = before.Note;
            if (!await TryReplaceAsync(entity, current.ETag, cancellationToken))
            {
                // Changed since the read: another update, a revocation, or this write whose response was lost.
                continue;
            }

            await RecordUpdateAsync(entity, cancellationToken);
            LogUpdated(_logger, key, version, update.Actor);
            return new UpdateResult(UpdateOutcome.Updated, entity.ToBinding());
        }

        throw new BindingStoreUnavailableException("The certificate entity kept changing during the update.");
    }

    /// <summary>
    /// The Updated audit row of the last update an entity records (none if it was never updated). The row key is
    /// derived from the update's operation, so writing it again meets 409 and counts as done.
    /// </summary>
    private async Task RecordUpdateAsync(CertificateEntity stored, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(stored.UpdateOperationId) || stored.UpdatedAt is not { } at)
        {
            return;
        }

        var after = stored.ToBinding();
        var before = after with
        {
            ActiveFrom = stored.PreviousActiveFrom,
            ActiveUntil = stored.PreviousActiveUntil,
            Note = stored.PreviousNote,
            Version = after.Version - 1,
            Status = BindingStatus.Active,
            RevokedAt = null,
            RevokedBy = null,
            RevocationReason = null,
        };
        var updated = after with { Status = BindingStatus.Active, RevokedAt = null, RevokedBy = null, RevocationReason = null };
        await AddAuditAsync(AuditAction.Updated, after.ClientId, after.Sha256, stored.UpdatedBy ?? "", at, stored.UpdateOperationId, null, before, updated, cancellationToken);
    }
}

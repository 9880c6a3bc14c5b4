namespace TppGate.Core.Bindings;

/// <summary>
/// An <see cref="IBindingStore"/> in process memory with the same rules as the Table Storage store (one client
/// per certificate, revocation final, audit and change feed), for benchmarks, fuzzing and single-process tools.
/// Not durable and not shared between instances: never the store of a deployment.
/// </summary>
public sealed class InMemoryBindingStore(TimeProvider? time = null) : IBindingStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CertificateBinding> _byCertificate = new(StringComparer.Ordinal);
    private readonly List<AuditRecord> _audit = [];
    private readonly List<BindingChange> _changes = [];

    /// <inheritdoc />
    public Task<RegisterResult> RegisterAsync(CertificateBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_byCertificate.TryGetValue(binding.Sha256, out var existing))
            {
                var outcome = existing.Status == BindingStatus.Revoked ? RegisterOutcome.Blocked
                    : existing.ClientId != binding.ClientId ? RegisterOutcome.BoundElsewhere
                    : existing.HasSameSettings(binding) ? RegisterOutcome.AlreadyBound
                    : RegisterOutcome.SettingsDiffer;
                if (outcome != RegisterOutcome.AlreadyBound)
                {
                    _audit.Add(new AuditRecord(binding.ClientId, binding.Sha256, AuditAction.Refused, binding.CreatedBy, now, outcome.ToString(), null, null));
                }

                return Task.FromResult(new RegisterResult(outcome, existing));
            }

            if (binding.IssuerSerialSha256 is { } identity && _byCertificate.Values.FirstOrDefault(b => b.IssuerSerialSha256 == identity) is { } holder)
            {
                _audit.Add(new AuditRecord(binding.ClientId, binding.Sha256, AuditAction.Refused, binding.CreatedBy, now, RegisterOutcome.IdentityTaken.ToString(), null, null));
                return Task.FromResult(new RegisterResult(RegisterOutcome.IdentityTaken, holder));
            }

            binding = binding with { Version = 1 };
            _byCertificate.Add(binding.Sha256, binding);
            _audit.Add(new AuditRecord(binding.ClientId, binding.Sha256, AuditAction.Registered, binding.CreatedBy, now, null, null, binding));
            _changes.Add(new BindingChange(_changes.Count + 1, binding.Sha256, binding.ClientId, BindingChangeKind.Register, now));
            return Task.FromResult(new RegisterResult(RegisterOutcome.Created, binding));
        }
    }

    /// <inheritdoc />
    public Task<RevokeResult> RevokeAsync(string clientId, string sha256, string actor, string reason, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_byCertificate.TryGetValue(sha256, out var existing) || existing.ClientId != clientId)
            {
                return Task.FromResult(new RevokeResult(RevokeOutcome.NotFound, null));
            }

            if (existing.Status == BindingStatus.Revoked)
            {
                return Task.FromResult(new RevokeResult(RevokeOutcome.AlreadyRevoked, existing));
            }

            var now = _time.GetUtcNow();
            var revoked = existing with { Status = BindingStatus.Revoked, RevokedBy = actor, RevokedAt = now, RevocationReason = reason, Version = existing.Version + 1 };
            _byCertificate[sha256] = revoked;
            _audit.Add(new AuditRecord(clientId, sha256, AuditAction.Revoked, actor, now, reason, existing, revoked));
            _changes.Add(new BindingChange(_changes.Count + 1, sha256, clientId, BindingChangeKind.Revoke, now));
            return Task.FromResult(new RevokeResult(RevokeOutcome.Revoked, revoked));
        }
    }

    /// <inheritdoc />
    public Task<UpdateResult> UpdateAsync(string clientId, string sha256, BindingUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            if (!_byCertificate.TryGetValue(sha256, out var existing) || existing.ClientId != clientId)
            {
                return Task.FromResult(new UpdateResult(UpdateOutcome.NotFound, null));
            }

            if (existing.Status == BindingStatus.Revoked)
            {
                return Task.FromResult(new UpdateResult(UpdateOutcome.Revoked, existing));
            }

            var updated = update.ApplyTo(existing);
            if ((update.ActiveFrom is not null || update.ActiveUntil is not null) && BindingUpdate.WindowProblem(updated) is { } problem)
            {
                return Task.FromResult(new UpdateResult(UpdateOutcome.WindowInvalid, existing, problem));
            }

            if (updated.HasSameSettings(existing))
            {
                return Task.FromResult(new UpdateResult(UpdateOutcome.Unchanged, existing));
            }

            var now = _time.GetUtcNow();
            updated = updated with { Version = existing.Version + 1 };
            _byCertificate[sha256] = updated;
            _audit.Add(new AuditRecord(clientId, sha256, AuditAction.Updated, update.Actor, now, null, existing, updated));
            _changes.Add(new BindingChange(_changes.Count + 1, sha256, clientId, BindingChangeKind.Update, now, updated.Version));
            return Task.FromResult(new UpdateResult(UpdateOutcome.Updated, updated));
        }
    }

    /// <inheritdoc />
    public Task<CertificateBinding?> GetByCertificateAsync(string sha256, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_byCertificate.GetValueOrDefault(sha256));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CertificateBinding>> GetByClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<CertificateBinding>>(_byCertificate.Values.Where(b => b.ClientId == clientId).ToArray());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string clientId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>(_audit.Where(a => a.ClientId == clientId).ToArray());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CertificateBinding>> GetExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<CertificateBinding>>(_byCertificate.Values.Where(b => b.Status == BindingStatus.Active && b.NotAfter < before).ToArray());
        }
    }

    /// <inheritdoc />
    public Task<ChangeFeedRead> ReadChangesAsync(long after, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(new ChangeFeedRead(_changes.Count, _changes.Where(c => c.Sequence > after).ToArray(), after >= 0));
        }
    }
}

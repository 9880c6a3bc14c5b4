using System.Collections.Concurrent;
using TppGate.Core.Bindings;

namespace TppGate.Testing.Fuzz;

/// <summary>
/// A binding store in memory with the port's semantics (one client per certificate, revoked is final), for
/// harnesses that must not depend on storage. Thread-safe; changes are never reported (no other instance).
/// </summary>
public sealed class InMemoryBindingStore : IBindingStore
{
    private readonly ConcurrentDictionary<string, CertificateBinding> _bindings = new(StringComparer.Ordinal);

    /// <summary>How many point reads were served.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    private long _reads;

    public Task<RegisterResult> RegisterAsync(CertificateBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var stored = _bindings.GetOrAdd(binding.Sha256, binding);
        var outcome = ReferenceEquals(stored, binding) ? RegisterOutcome.Created
            : stored.Status == BindingStatus.Revoked ? RegisterOutcome.Blocked
            : string.Equals(stored.ClientId, binding.ClientId, StringComparison.Ordinal) ? RegisterOutcome.AlreadyBound
            : RegisterOutcome.BoundElsewhere;
        return Task.FromResult(new RegisterResult(outcome, stored));
    }

    public Task<RevokeResult> RevokeAsync(string clientId, string sha256, string actor, string reason, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!_bindings.TryGetValue(sha256, out var current) || !string.Equals(current.ClientId, clientId, StringComparison.Ordinal))
            {
                return Task.FromResult(new RevokeResult(RevokeOutcome.NotFound, null));
            }

            if (current.Status == BindingStatus.Revoked)
            {
                return Task.FromResult(new RevokeResult(RevokeOutcome.AlreadyRevoked, current));
            }

            var revoked = current with { Status = BindingStatus.Revoked, RevokedBy = actor, RevokedAt = DateTimeOffset.UtcNow, RevocationReason = reason };
            if (_bindings.TryUpdate(sha256, revoked, current))
            {
                return Task.FromResult(new RevokeResult(RevokeOutcome.Revoked, revoked));
            }
        }
    }

    public Task<CertificateBinding?> GetByCertificateAsync(string sha256, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(_bindings.TryGetValue(sha256, out var b) ? b : null);
    }

    public Task<IReadOnlyList<CertificateBinding>> GetByClientAsync(string clientId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<CertificateBinding>>(_bindings.Values.Where(b => string.Equals(b.ClientId, clientId, StringComparison.Ordinal)).ToArray());

    public Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string clientId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<AuditRecord>>([]);

    public Task<IReadOnlyList<CertificateBinding>> GetExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<CertificateBinding>>(_bindings.Values.Where(b => b.Status == BindingStatus.Active && b.NotAfter < before).ToArray());

    public Task<IReadOnlyList<BindingChange>> GetChangesSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<BindingChange>>([]);
}

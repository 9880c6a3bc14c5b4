namespace TppGate.Core.Bindings;

/// <summary>What a registration did.</summary>
public enum RegisterOutcome
{
    /// <summary>A new binding was stored.</summary>
    Created = 1,

    /// <summary>The same certificate was already bound to the same client; nothing changed.</summary>
    AlreadyBound,

    /// <summary>The certificate is bound to another client; nothing changed.</summary>
    BoundElsewhere,

    /// <summary>The certificate's binding was revoked; it can never be bound again.</summary>
    Blocked,
}

/// <summary>The outcome of a registration, with the binding as stored (the existing one unless created).</summary>
public sealed record RegisterResult(RegisterOutcome Outcome, CertificateBinding Binding);

/// <summary>What a revocation did.</summary>
public enum RevokeOutcome
{
    /// <summary>The binding is now revoked.</summary>
    Revoked = 1,

    /// <summary>It was revoked already; nothing changed.</summary>
    AlreadyRevoked,

    /// <summary>No binding of that certificate to that client.</summary>
    NotFound,
}

/// <summary>The outcome of a revocation, with the binding as stored (null when not found).</summary>
public sealed record RevokeResult(RevokeOutcome Outcome, CertificateBinding? Binding);

/// <summary>A change to a binding, as other instances learn of it.</summary>
/// <param name="Sha256">The certificate whose binding changed.</param>
/// <param name="ClientId">The client concerned.</param>
/// <param name="At">When it changed (the writer's clock).</param>
/// <param name="Id">What tells this change from another of the same certificate at the same instant (a row key).</param>
public sealed record BindingChange(string Sha256, string ClientId, DateTimeOffset At, string? Id = null);

/// <summary>
/// The binding registry port. "Not found" is a value, never an exception. Every write is conditional (ETags);
/// nothing is ever inserted-or-replaced. Dependency failures throw <see cref="BindingStoreUnavailableException"/>.
/// </summary>
public interface IBindingStore
{
    /// <summary>Binds a certificate to a client unless it is bound already, and audits the attempt.</summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    Task<RegisterResult> RegisterAsync(CertificateBinding binding, CancellationToken cancellationToken = default);

    /// <summary>Revokes the binding of <paramref name="sha256"/> to <paramref name="clientId"/>, and audits it.</summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    Task<RevokeResult> RevokeAsync(string clientId, string sha256, string actor, string reason, CancellationToken cancellationToken = default);

    /// <summary>The binding of a certificate (point read), or null.</summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    Task<CertificateBinding?> GetByCertificateAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>Every binding of a client, active and revoked.</summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    Task<IReadOnlyList<CertificateBinding>> GetByClientAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>The audit trail of a client, oldest first.</summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Active bindings whose certificate expires before <paramref name="before"/>.</summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    Task<IReadOnlyList<CertificateBinding>> GetExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Changes written at or after <paramref name="since"/> by any instance, oldest first.</summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    Task<IReadOnlyList<BindingChange>> GetChangesSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>The binding store could not be reached or answered with an error; callers fail closed.</summary>
public sealed class BindingStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BindingStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BindingStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the storage failure.</summary>
    public BindingStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

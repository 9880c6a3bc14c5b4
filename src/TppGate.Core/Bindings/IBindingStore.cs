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

    /// <summary>
    /// The certificate is bound to the same client with other settings (activation window or note); nothing
    /// changed. A registration never edits a binding (decision 0010).
    /// </summary>
    SettingsDiffer,

    /// <summary>
    /// Another certificate with the same issuer and serial number (another encoding of the same signed
    /// certificate, e.g. an ECDSA signature twin) was registered first; nothing changed. The result's binding is
    /// that certificate's (its SHA-256 at least), decision 0011.
    /// </summary>
    IdentityTaken,
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

/// <summary>What an update did (decision 0014).</summary>
public enum UpdateOutcome
{
    /// <summary>The binding's activation window or note changed; the result holds it as stored.</summary>
    Updated = 1,

    /// <summary>The binding already had the values asked for; nothing was written.</summary>
    Unchanged,

    /// <summary>No binding of that certificate to that client.</summary>
    NotFound,

    /// <summary>The binding is revoked; a revoked binding is never edited.</summary>
    Revoked,

    /// <summary>
    /// The window the update would leave is not valid: activeFrom not before activeUntil, or no overlap with the
    /// certificate's validity. Nothing was written.
    /// </summary>
    WindowInvalid,
}

/// <summary>The outcome of an update, with the binding as stored (null when not found).</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Binding">The binding as stored after the call (unchanged unless <see cref="UpdateOutcome.Updated"/>).</param>
/// <param name="Problem">For <see cref="UpdateOutcome.WindowInvalid"/>, what is wrong with the window.</param>
public sealed record UpdateResult(UpdateOutcome Outcome, CertificateBinding? Binding, string? Problem = null);

/// <summary>What a change announces: the state the certificate's binding moves to once the write lands.</summary>
public enum BindingChangeKind
{
    /// <summary>A registration: the certificate becomes bound.</summary>
    Register = 1,

    /// <summary>A revocation: the certificate's binding becomes revoked.</summary>
    Revoke,

    /// <summary>
    /// An update of the activation window or note: the certificate's binding reaches the announced
    /// <see cref="CertificateBinding.Version"/> (decision 0014).
    /// </summary>
    Update,
}

/// <summary>
/// The state a reader waits for before it caches a certificate again: what one or more feed entries announced,
/// merged. Resolution is provable because every kind only ever moves storage forward: a registration from absent
/// to present, a revocation from active to revoked (final), an update to a higher version (every write of a
/// binding increments it, and an update replaces only under the ETag of the version before the one it announces,
/// so once storage holds that version or a later one, or is revoked, the announced write can no longer land).
/// </summary>
/// <param name="Kind">The strongest kind announced: a revocation outranks an update, an update a registration.</param>
/// <param name="Version">For <see cref="BindingChangeKind.Update"/>, the highest version announced.</param>
public readonly record struct AnnouncedState(BindingChangeKind Kind, long Version)
{
    /// <summary>True when <paramref name="stored"/> (what storage holds now) shows this state or a later one.</summary>
    public bool IsResolvedBy(CertificateBinding? stored) => Kind switch
    {
        BindingChangeKind.Register => stored is not null,
        BindingChangeKind.Update => stored is not null && (stored.Status == BindingStatus.Revoked || stored.Version >= Version),
        _ => stored is { Status: BindingStatus.Revoked },
    };

    /// <summary>
    /// The state that resolves only when both this one and <paramref name="other"/> are resolved: for two kinds
    /// the stronger (a revoked binding takes no later write of either), for two updates the higher version.
    /// </summary>
    public AnnouncedState Merge(AnnouncedState other)
    {
        if (Kind == BindingChangeKind.Revoke || other.Kind == BindingChangeKind.Revoke)
        {
            return new AnnouncedState(BindingChangeKind.Revoke, Math.Max(Version, other.Version));
        }

        var kind = Kind == BindingChangeKind.Update || other.Kind == BindingChangeKind.Update ? BindingChangeKind.Update : BindingChangeKind.Register;
        return new AnnouncedState(kind, Math.Max(Version, other.Version));
    }
}

/// <summary>
/// One entry of the change feed. It is written BEFORE the certificate write it announces (an intent): a
/// reader treats the certificate as changing until a read of it shows the announced state
/// (<see cref="IsResolvedBy"/>), because the write may land later or never (decision 0010).
/// </summary>
/// <param name="Sequence">The entry's position in the feed: 1, 2, 3, ... without gaps, in commit order.</param>
/// <param name="Sha256">The certificate whose binding changes.</param>
/// <param name="ClientId">The client concerned.</param>
/// <param name="Kind">The state announced.</param>
/// <param name="At">When the entry was written (the writer's clock; informative only).</param>
/// <param name="Version">
/// For <see cref="BindingChangeKind.Update"/>, the <see cref="CertificateBinding.Version"/> the update will write;
/// 0 for the other kinds (their resolution does not need it).
/// </param>
public sealed record BindingChange(long Sequence, string Sha256, string ClientId, BindingChangeKind Kind, DateTimeOffset At, long Version = 0)
{
    /// <summary>The state announced.</summary>
    public AnnouncedState Announced => new(Kind, Version);

    /// <summary>
    /// True when <paramref name="stored"/> (what storage holds now) shows the announced state, after which no
    /// write of this change can land any more (an insert meets 409, a replace 412).
    /// </summary>
    public bool IsResolvedBy(CertificateBinding? stored) => Announced.IsResolvedBy(stored);
}

/// <summary>One read of the change feed.</summary>
/// <param name="Position">The sequence of the last entry the feed holds (0 when empty); pass it to the next read.</param>
/// <param name="Changes">The entries after the position the read started from, oldest first.</param>
/// <param name="Complete">
/// False when the read cannot prove it holds every entry since the position it started from: a first read
/// (no position yet) or entries removed by retention before they were read. The reader must then distrust
/// everything it cached.
/// </param>
public sealed record ChangeFeedRead(long Position, IReadOnlyList<BindingChange> Changes, bool Complete);

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

    /// <summary>
    /// Changes the activation window and/or note of the ACTIVE binding of <paramref name="sha256"/> to
    /// <paramref name="clientId"/> (a read-modify-write under the row's ETag, with a change-feed entry written first
    /// and an audit record after), decision 0014. Refusals are outcomes, not exceptions.
    /// </summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out, or the row kept changing.</exception>
    Task<UpdateResult> UpdateAsync(string clientId, string sha256, BindingUpdate update, CancellationToken cancellationToken = default);

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

    /// <summary>
    /// The change-feed entries after <paramref name="after"/> (a <see cref="ChangeFeedRead.Position"/>; -1 for a
    /// first read, which returns every entry still kept), oldest first.
    /// </summary>
    /// <exception cref="BindingStoreUnavailableException">Storage failed or timed out.</exception>
    Task<ChangeFeedRead> ReadChangesAsync(long after, CancellationToken cancellationToken = default);
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

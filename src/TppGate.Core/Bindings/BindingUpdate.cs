namespace TppGate.Core.Bindings;

/// <summary>A field's new value in a <see cref="BindingUpdate"/>: a null inside clears the field.</summary>
/// <typeparam name="T">The field's type (nullable: null clears).</typeparam>
/// <param name="Value">The value to store.</param>
public readonly record struct FieldChange<T>(T Value);

/// <summary>
/// What an update changes (decision 0014). A field left null (absent) keeps its stored value; a
/// <see cref="FieldChange{T}"/> sets it, and one holding null clears it: the activation window then falls back to
/// "from registration" / "until the certificate expires", the note to none.
/// </summary>
public sealed record BindingUpdate
{
    /// <summary>Who asks (for the audit trail).</summary>
    public required string Actor { get; init; }

    /// <summary>The new start of the activation window; null keeps it.</summary>
    public FieldChange<DateTimeOffset?>? ActiveFrom { get; init; }

    /// <summary>The new end of the activation window; null keeps it.</summary>
    public FieldChange<DateTimeOffset?>? ActiveUntil { get; init; }

    /// <summary>The new note; null keeps it.</summary>
    public FieldChange<string?>? Note { get; init; }

    /// <summary>True when the update names no field at all.</summary>
    public bool IsEmpty => ActiveFrom is null && ActiveUntil is null && Note is null;

    /// <summary>
    /// <paramref name="stored"/> with the fields this update names replaced. Instants are kept to the whole
    /// millisecond, the precision storage keeps for certain, so what is returned is what a read gives back.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="stored"/> is null.</exception>
    public CertificateBinding ApplyTo(CertificateBinding stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored with
        {
            ActiveFrom = ActiveFrom is { } from ? Milliseconds(from.Value) : stored.ActiveFrom,
            ActiveUntil = ActiveUntil is { } until ? Milliseconds(until.Value) : stored.ActiveUntil,
            Note = Note is { } note ? note.Value : stored.Note,
        };
    }

    /// <summary>
    /// Why the activation window of <paramref name="after"/> (the binding as the update would leave it) cannot be
    /// stored, or null when it can: activeFrom must be before activeUntil, and the window must overlap the
    /// certificate's validity (an unset end is open: the certificate's own bound applies).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="after"/> is null.</exception>
    public static string? WindowProblem(CertificateBinding after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (after.ActiveFrom is { } f && after.ActiveUntil is { } u && u <= f)
        {
            return "activeUntil must be after activeFrom.";
        }

        if (after.ActiveFrom is { } from && from >= after.NotAfter)
        {
            return "activeFrom is not before the certificate's notAfter: the binding could never be used.";
        }

        if (after.ActiveUntil is { } until && until <= after.NotBefore)
        {
            return "activeUntil is not after the certificate's notBefore: the binding could never be used.";
        }

        return null;
    }

    private static DateTimeOffset? Milliseconds(DateTimeOffset? value)
        => value is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v.ToUnixTimeMilliseconds()) : null;
}

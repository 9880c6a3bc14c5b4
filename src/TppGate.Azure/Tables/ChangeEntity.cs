using System.Globalization;
using TppGate.Core.Bindings;

namespace TppGate.Azure.Tables;

/// <summary>
/// One change-feed entry: partition <see cref="Partition"/>, row "{sequence:D19}". Written in one entity group
/// transaction with the <see cref="FeedHeadEntity"/> it advances, so sequences have no gaps and commit in order.
/// It is an intent: written before the certificate write it announces (decision 0010).
/// </summary>
internal sealed class ChangeEntity : TableEntityBase
{
    internal const string Partition = "feed";
    internal const string ActionRegister = "register";
    internal const string ActionRevoke = "revoke";
    internal const string ActionUpdate = "update";

    public string ClientId { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary><see cref="ActionRegister"/>, <see cref="ActionRevoke"/> or <see cref="ActionUpdate"/>.</summary>
    public string Action { get; set; } = "";

    /// <summary>For <see cref="ActionUpdate"/>, the certificate entity's version the update writes (decision 0014).</summary>
    public long Version { get; set; }

    /// <summary>The operation (one store call) that wrote the entry.</summary>
    public string OperationId { get; set; } = "";

    /// <summary>
    /// The kind an action names. Anything unknown reads as a revocation, the strongest kind: its certificate stays
    /// uncached until storage shows it revoked, which is slow but never stale.
    /// </summary>
    internal static BindingChangeKind KindOf(string? action) => action switch
    {
        ActionRegister => BindingChangeKind.Register,
        ActionUpdate => BindingChangeKind.Update,
        _ => BindingChangeKind.Revoke,
    };

    internal static string RowFor(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);
}

/// <summary>The feed's head: partition <see cref="ChangeEntity.Partition"/>, row "head" (sorts after every sequence).</summary>
internal sealed class FeedHeadEntity : TableEntityBase
{
    internal const string Row = "head";

    /// <summary>The sequence of the last entry appended.</summary>
    public long Sequence { get; set; }

    /// <summary>The operation that appended it: a writer whose response was lost recognises its own append.</summary>
    public string LastOperationId { get; set; } = "";
}

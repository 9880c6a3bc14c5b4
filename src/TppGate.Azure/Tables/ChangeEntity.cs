using System.Globalization;

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

    public string ClientId { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary><see cref="ActionRegister"/> or <see cref="ActionRevoke"/>.</summary>
    public string Action { get; set; } = "";

    /// <summary>The operation (one store call) that wrote the entry.</summary>
    public string OperationId { get; set; } = "";

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

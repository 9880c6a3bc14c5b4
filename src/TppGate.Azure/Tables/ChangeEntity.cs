namespace TppGate.Azure.Tables;

/// <summary>
/// One change-log row: partition "change_{yyyyMMddHHmm}" (UTC minute of the writer's clock), row
/// "{ticks:D19}_{random}". Pollers read the few minute partitions their window touches.
/// </summary>
internal sealed class ChangeEntity : TableEntityBase
{
    internal const string PhaseIntent = "intent";
    internal const string PhaseCommit = "commit";

    public string ClientId { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary>"register" or "revoke".</summary>
    public string Action { get; set; } = "";

    /// <summary><see cref="PhaseIntent"/> (before the certificate write) or <see cref="PhaseCommit"/> (after it).</summary>
    public string Phase { get; set; } = "";

    internal static string PartitionFor(DateTimeOffset at)
        => "change_" + at.UtcDateTime.ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture);
}

namespace TppGate.Azure.Tables;

/// <summary>
/// One append-only audit row in the client's partition: row "audit_{ticks:D19}_{random}", so a range query
/// returns the trail oldest first. Written with AddEntity only; nothing ever updates or deletes it.
/// </summary>
internal sealed class AuditEntity : TableEntityBase
{
    internal const string RowPrefix = "audit_";
    internal const string RowPrefixEnd = "audit`";

    public string ClientId { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public string Action { get; set; } = "";

    public string Actor { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string? Reason { get; set; }

    /// <summary>The binding before the change, as JSON of <see cref="CertificateEntity"/>.</summary>
    public string? Before { get; set; }

    /// <summary>The binding after the change, as JSON of <see cref="CertificateEntity"/>.</summary>
    public string? After { get; set; }
}

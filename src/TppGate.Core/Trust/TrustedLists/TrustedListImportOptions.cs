namespace TppGate.Core.Trust.TrustedLists;

/// <summary>How trusted lists are judged. The defaults are the strict ones.</summary>
public sealed class TrustedListImportOptions
{
    /// <summary>The largest list accepted, in bytes; a larger one is refused unparsed. Default 32 MiB (the largest EU lists are a few MiB).</summary>
    public int MaxListBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long past its NextUpdate a list is still accepted. Default zero: a list past NextUpdate is refused (its previous anchors stay).</summary>
    public TimeSpan NextUpdateGrace { get; set; } = TimeSpan.Zero;

    /// <summary>Clock skew allowed for ListIssueDateTime and the signer's validity. Default 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}

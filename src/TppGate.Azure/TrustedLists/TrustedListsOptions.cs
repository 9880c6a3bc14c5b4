namespace TppGate.Azure.TrustedLists;

/// <summary>
/// Where the EU trusted lists come from and how they are fetched and judged (decision 0012). Bound from the
/// configuration section <see cref="SectionName"/>; the anchors go to the vault of <c>TrustAnchors:KeyVault</c>.
/// </summary>
public sealed class TrustedListsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TrustedLists";

    /// <summary>The EU List of the Lists. Default the Commission's published location.</summary>
    public Uri LotlUrl { get; set; } = new("https://ec.europa.eu/tools/lotl/eu-lotl.xml");

    /// <summary>
    /// The LOTL signing certificates published in the Official Journal, each as PEM or base64 DER. Required: the LOTL
    /// is accepted only if signed by one of them, or by a certificate pivot LOTLs announce starting from them.
    /// </summary>
    public IList<string> LotlSigners { get; } = [];

    /// <summary>How long past NextUpdate a list is still accepted. Default zero.</summary>
    public TimeSpan NextUpdateGrace { get; set; } = TimeSpan.Zero;

    /// <summary>The largest list downloaded or accepted, in bytes. Default 32 MiB.</summary>
    public int MaxListBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>The timeout of one download try. Default 30 seconds.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a download after the first try (timeouts, 408, 429, 5xx). Default 2.</summary>
    public int DownloadRetries { get; set; } = 2;

    /// <summary>Only https list locations are fetched. Default true; tests against loopback turn it off.</summary>
    public bool RequireHttps { get; set; } = true;
}

namespace TppGate.Azure.KeyVault;

/// <summary>
/// Where and how often to load trust anchors (QTSP roots and intermediates) from Key Vault.
/// Bound from the configuration section <see cref="SectionName"/>.
/// </summary>
/// <remarks>
/// Each anchor is a Key Vault secret holding one or more PEM certificates, with content type
/// <c>application/x-pem-file</c> and the tag <see cref="TagName"/>=<see cref="TagValue"/>; Key Vault certificates
/// cannot hold a CA certificate without its private key (see docs/decisions/0003-trust-anchors-in-key-vault.md).
/// </remarks>
public sealed class KeyVaultTrustAnchorOptions
{
    /// <summary>The configuration section bound by <see cref="KeyVaultTrustAnchorServiceCollectionExtensions.AddKeyVaultTrustAnchors"/>.</summary>
    public const string SectionName = "TrustAnchors:KeyVault";

    /// <summary>The vault, e.g. <c>https://kv-anchors-abc123.vault.azure.net/</c>. Required; must be https.</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>The tag a secret must carry to be loaded as an anchor. Default <c>tppgate-trust-anchor</c>.</summary>
    public string TagName { get; set; } = "tppgate-trust-anchor";

    /// <summary>The value the tag must have (compared case-insensitively). Default <c>true</c>.</summary>
    public string TagValue { get; set; } = "true";

    /// <summary>How often to reload the anchors. Default 5 minutes; at least 30 seconds.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The fraction by which each wait is randomly lengthened or shortened, so instances do not refresh in step
    /// and hit the vault's throttling limit together. Default 0.2 (plus or minus 20%); between 0 and 0.5.
    /// </summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>
    /// How soon to try again while no set has ever loaded (callers are denied with 503 meanwhile).
    /// Default 30 seconds; never longer than <see cref="RefreshInterval"/>.
    /// </summary>
    public TimeSpan InitialRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The health check reports degraded once the current set is older than this many refresh intervals,
    /// meaning refreshes have failed for a while. Default 3.
    /// </summary>
    public int DegradedAfterRefreshIntervals { get; set; } = 3;

    /// <summary>
    /// The client id of the user-assigned managed identity to authenticate with. When empty, the developer's
    /// credentials are used (DefaultAzureCredential); set it in Azure.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Retries per Key Vault call after the first try (exponential back-off). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The timeout of one try of one Key Vault call. Default 10 seconds; the SDK's own default is 100.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

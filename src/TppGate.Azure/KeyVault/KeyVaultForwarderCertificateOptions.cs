namespace TppGate.Azure.KeyVault;

/// <summary>
/// A trusted forwarder's client certificate kept in Key Vault as a certificate (APIM's backend certificate):
/// the authorizer trusts the SHA-256 of its current version, refreshed, so rotating it in Key Vault rotates the
/// trusted forwarder with no redeploy. Section <see cref="SectionName"/>; app settings
/// <c>Authorizer__Request__TrustedForwarderKeyVaultCertificate__VaultUri</c> and <c>__CertificateName</c>.
/// </summary>
public sealed class KeyVaultForwarderCertificateOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Authorizer:Request:TrustedForwarderKeyVaultCertificate";

    /// <summary>The vault holding the certificate, e.g. <c>https://kv-apim-abc123.vault.azure.net/</c>. Required, https.</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>The Key Vault certificate's name (not a version: the current version is read). Required.</summary>
    public string? CertificateName { get; set; }

    /// <summary>How often to read it again. Default 5 minutes; at least 30 seconds.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How soon to try again while nothing has loaded yet. Default 30 seconds; positive.</summary>
    public TimeSpan InitialRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// For this long after a new version is created, the newest earlier version that is still enabled and unexpired
    /// stays trusted too: APIM picks up a new Key Vault certificate version within hours, not at once. Default 4 hours;
    /// zero trusts the current version only. Disabling the old version in Key Vault ends its trust at the next refresh.
    /// </summary>
    public TimeSpan PreviousVersionOverlap { get; set; } = TimeSpan.FromHours(4);

    /// <summary>The user-assigned managed identity's client id; empty uses DefaultAzureCredential (developers).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Retries per Key Vault call after the first try. Default 3; 0 to 10.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The timeout of one try of one Key Vault call. Default 10 seconds.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

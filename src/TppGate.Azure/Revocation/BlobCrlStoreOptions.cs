namespace TppGate.Azure.Revocation;

/// <summary>
/// Settings of <see cref="BlobCrlStore"/>, bound from the configuration section <see cref="SectionName"/>. Give
/// either <see cref="ConnectionString"/> (Azurite, local runs) or <see cref="BlobServiceUri"/> (identity-based, the
/// production choice), or name a Functions-style connection with <see cref="Connection"/>; with none of them no
/// shared store is used and each instance keeps its CRLs in memory only (decision 0016).
/// </summary>
public sealed class BlobCrlStoreOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CrlStore";

    /// <summary>The container holding one blob per CRL distribution point URL. Default "tppgate-crls".</summary>
    public string ContainerName { get; set; } = "tppgate-crls";

    /// <summary>A storage connection string, e.g. Azurite's. Shared-key access: local use only.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service endpoint, e.g. https://account.blob.core.windows.net, used with a token credential.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>
    /// The client id of a user-assigned managed identity for <see cref="BlobServiceUri"/>; when empty,
    /// DefaultAzureCredential is used.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// The name of a Functions-style connection setting to read when neither <see cref="ConnectionString"/> nor
    /// <see cref="BlobServiceUri"/> is set: a connection string under that name, or a section with
    /// <c>blobServiceUri</c> and optionally <c>clientId</c>.
    /// </summary>
    public string? Connection { get; set; }

    /// <summary>
    /// The largest CRL the store writes or reads, in bytes; a larger blob is "nothing stored". Default 20 MiB, as
    /// Authorizer:Chain:MaxCrlBytes.
    /// </summary>
    public int MaxCrlBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// Per-try network timeout. Default 500 ms: a read sits inside the request's one bounded CRL fetch
    /// (Authorizer:Chain:RevocationTimeout, 2 s), and a slow store must leave time for the download.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Retries after the first try. Default 1.</summary>
    public int MaxRetries { get; set; } = 1;

    /// <summary>Delay before a retry. Default 50 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The most one store call (a read, a conditional write with its retries, a listing) may take in all; past it
    /// the call reports "nothing stored". Default 1 s.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most a listing of the container (the refresher's, never a request's) may take. Default 30 s.</summary>
    public TimeSpan ListTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most CRLs a listing returns (what a new instance loads from the start). Default 10,000.
    /// </summary>
    public int MaxListed { get; set; } = 10_000;

    /// <summary>
    /// Create the container on first write when it does not exist. Default true (Azurite); the Bicep creates the
    /// container and turns this off, since creating one needs a role on the whole account.
    /// </summary>
    public bool CreateContainerIfNotExists { get; set; } = true;

    /// <summary>Whether a storage account is named at all (after <see cref="Connection"/> was resolved).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || BlobServiceUri is not null;
}

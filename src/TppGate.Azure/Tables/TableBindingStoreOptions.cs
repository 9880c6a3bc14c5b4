namespace TppGate.Azure.Tables;

/// <summary>
/// Settings of <see cref="TableBindingStore"/>, bound from the configuration section <see cref="SectionName"/>.
/// Give either <see cref="ConnectionString"/> (Azurite, local runs) or <see cref="TableServiceUri"/> (identity-based,
/// the production choice), or name a Functions-style connection with <see cref="Connection"/>.
/// </summary>
public sealed class TableBindingStoreOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Bindings";

    /// <summary>The table holding bindings, the client index, audit and the change log. Default "TppGateBindings".</summary>
    public string TableName { get; set; } = "TppGateBindings";

    /// <summary>A storage connection string, e.g. "UseDevelopmentStorage=true". Shared-key access: local use only.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service endpoint, e.g. https://account.table.core.windows.net, used with a token credential.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// The client id of a user-assigned managed identity for <see cref="TableServiceUri"/>; when empty,
    /// DefaultAzureCredential is used.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// The name of a Functions-style connection setting to read when neither <see cref="ConnectionString"/> nor
    /// <see cref="TableServiceUri"/> is set: either a connection string under that name, or a section with
    /// <c>tableServiceUri</c> and optionally <c>clientId</c> (as in <c>AzureWebJobsStorage__tableServiceUri</c>).
    /// </summary>
    public string? Connection { get; set; }

    /// <summary>
    /// Per-try network timeout on the authorizer's hot path (look-up by certificate). Default 350 ms, so that
    /// two tries and a short delay stay under a 1 s decision deadline.
    /// </summary>
    public TimeSpan HotPathNetworkTimeout { get; set; } = TimeSpan.FromMilliseconds(350);

    /// <summary>Retries on the hot path after the first try. Default 1 (two tries in all).</summary>
    public int HotPathMaxRetries { get; set; } = 1;

    /// <summary>Delay before a retry on the hot path. Default 50 ms.</summary>
    public TimeSpan HotPathRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Per-try network timeout for writes, listings, audit and the change feed. Default 5 s.</summary>
    public TimeSpan AdminNetworkTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries for writes, listings, audit and the change feed. Default 2.</summary>
    public int AdminMaxRetries { get; set; } = 2;

    /// <summary>First delay before an admin retry (doubled each time). Default 200 ms.</summary>
    public TimeSpan AdminRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Create the table on first use when it does not exist. Default true.</summary>
    public bool CreateTableIfNotExists { get; set; } = true;

    /// <summary>
    /// How far ahead of this instance's clock other writers' clocks may run: the change feed also reads time
    /// buckets up to now plus this. Writers behind are covered by the caller's look-back window. Default 2 min.
    /// </summary>
    public TimeSpan ClockSkewAllowance { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How old a change-feed entry must be before the retention timer deletes it (only once its change has
    /// landed). An instance that has not read the feed for longer than this clears its cache once. Default 1 hour.
    /// </summary>
    public TimeSpan ChangeRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most bindings <see cref="TableBindingStore.GetExpiringAsync"/> returns (it scans). Default 10,000.</summary>
    public int MaxExpiringResults { get; set; } = 10_000;
}

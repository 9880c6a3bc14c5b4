namespace TppGate.Http.Tokens;

/// <summary>
/// Where bearer tokens are verified. Bound from section "Authorizer:Tokens". Without an authority every token
/// is refused (401 TOKEN_INVALID): a token is never believed unverified.
/// </summary>
public sealed class TokenOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Authorizer:Tokens";

    /// <summary>
    /// The issuer, an https URL; its metadata is read from <c>{Authority}/.well-known/openid-configuration</c>
    /// and a token's <c>iss</c> must equal it exactly. Default none: tokens are refused.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>Accepted <c>aud</c> values (one must match). Required when <see cref="Authority"/> is set.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>Tolerance on <c>exp</c> and <c>nbf</c>. Default 1 minute; at most 5.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one metadata or JWKS request may take. Default 3 seconds; at most 30.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the metadata and keys are read again on their own. Default 1 hour; 5 minutes to 24 hours.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time between two reads forced by a token signed with an unknown key, or after a failed read.
    /// Default 30 seconds; 1 second to 1 hour.
    /// </summary>
    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many verified tokens are remembered (each only until its exp). Default 10,000.</summary>
    public int CacheSize { get; set; } = 10_000;
}

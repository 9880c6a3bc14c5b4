namespace TppGate.Core.Authorization;

/// <summary>Authorizer policy. Bound from configuration section "Authorizer"; the defaults are the secure ones.</summary>
public sealed class AuthorizerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Authorizer";

    /// <summary>Require a PSD2 statement with at least one role, and refuse seal-only certificates. Default true.</summary>
    public bool RequirePsd2 { get; set; } = true;

    /// <summary>
    /// Require a qualified website authentication certificate: qcStatements with QcCompliance, QcType web and
    /// the PSD2 statement (decision 0009). Default true; false accepts, for example, Open Banking UK OBWACs,
    /// which carry no QcCompliance.
    /// </summary>
    public bool RequireQualified { get; set; } = true;

    /// <summary>
    /// API name (X-Tpp-Api) to the canonical PSD2 roles it accepts; any one of them suffices. Each entry
    /// replaces or adds to the built-in Berlin Group map (<see cref="BerlinGroupApiRoles"/>); an API in
    /// neither is denied with ROLE_INVALID. E.g. accounts = [PSP_AI].
    /// </summary>
    public Dictionary<string, string[]> ApiRoles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Check the PSD2 role the API needs. Default true: a request naming no API is 400 API_MISSING. False
    /// turns role checks off altogether (X-Tpp-Api is then ignored); only for a gateway that checks roles itself.
    /// </summary>
    public bool CheckRoles { get; set; } = true;

    /// <summary>
    /// Allow a request without a client_id for the client its certificate is bound to. Default false:
    /// a client_id is required, as RFC 8705 and PSD2 RTS article 34 expect.
    /// </summary>
    public bool IdentifyByCertificate { get; set; }

    /// <summary>
    /// A presented (and verified) access token must carry cnf x5t#S256. Default true. False accepts a verified
    /// token without cnf; a cnf naming another certificate is refused either way.
    /// </summary>
    public bool RequireBoundTokens { get; set; } = true;

    /// <summary>Everything one decision may wait for (storage included); past it, 503. Default 1 second.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many validated certificates are cached, in weight units: each verdict counts 1, plus 1 per 4,096 characters
    /// of the header value and chain it is keyed on (decision 0018), so the characters held stay under this times
    /// 4,096. Default 10,000.
    /// </summary>
    public int CertificateCacheSize { get; set; } = 10_000;

    /// <summary>How long a validated certificate is trusted before it is validated again. Default 5 minutes.</summary>
    public TimeSpan CertificateCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many bindings are cached. Default 100,000.</summary>
    public int BindingCacheSize { get; set; } = 100_000;

    /// <summary>
    /// The bound within which a registration or revocation made on any instance takes effect here. When
    /// the change feed has not been read for longer, cached bindings are not used. Default 5 seconds.
    /// </summary>
    public TimeSpan PropagationBound { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the change feed is read. Default 1 second; must be well under <see cref="PropagationBound"/>.</summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Not used since decision 0010: the change feed is numbered, so a read continues from the last entry seen and
    /// never looks back in time. Kept so existing settings still bind; it changes nothing.
    /// </summary>
    public TimeSpan ChangeLookBack { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest client_id accepted, in characters. Default 256.</summary>
    public int MaxClientIdLength { get; set; } = 256;
}

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using TppGate.Core.Authorization;
using TppGate.Core.Certificates;
using TppGate.Http.Logging;

namespace TppGate.Http.Tokens;

/// <summary>
/// Verifies bearer tokens against the configured authority's OpenID metadata and JWKS (Microsoft.IdentityModel):
/// signature with an asymmetric algorithm (never <c>none</c>), issuer, audience and lifetime. Metadata is read
/// with a bounded timeout and cached with refresh; an unreachable authority is <see cref="AccessTokenVerdict.Unavailable"/>.
/// A verified token's verdict is reused until its <c>exp</c> and never after.
/// </summary>
public sealed partial class OpenIdAccessTokenValidator : IAccessTokenValidator, IDisposable
{
    /// <summary>
    /// The key of an optional keyed <see cref="HttpMessageHandler"/> service for metadata requests (e.g. a proxy,
    /// or a test authority's pinned certificate). Without it, a plain handler trusting the machine's roots.
    /// </summary>
    public const string MetadataHandlerKey = "TppGate.Tokens.Metadata";

    private const int MaxTokenLength = 16 * 1024;
    private const int MaxMetadataBytes = 1024 * 1024;

    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly TokenOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OpenIdAccessTokenValidator> _logger;
    private readonly HttpClient? _http;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _metadata;
    private readonly JsonWebTokenHandler _handler = new();
    // Keyed on the whole token (about a thousand characters) on every call that carries one: the header comparer, as for forwarders.
    private readonly ConcurrentDictionary<string, AccessTokenVerdict> _verified = new(HeaderValueComparer.Instance);

    /// <summary>Creates the validator; without an authority it refuses every token.</summary>
    public OpenIdAccessTokenValidator(IOptions<TokenOptions> options, TimeProvider time, ILogger<OpenIdAccessTokenValidator> logger, HttpMessageHandler? metadataHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(_options.Authority))
        {
            return;
        }

        _http = new HttpClient(metadataHandler ?? new SocketsHttpHandler(), disposeHandler: metadataHandler is null)
        {
            Timeout = _options.MetadataTimeout,
            MaxResponseContentBufferSize = MaxMetadataBytes,
        };
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            _options.Authority.TrimEnd('/') + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(_http) { RequireHttps = true })
        {
            AutomaticRefreshInterval = _options.MetadataRefreshInterval,
            RefreshInterval = _options.MinimumRefreshInterval,
        };
    }

    /// <inheritdoc />
    public ValueTask<AccessTokenVerdict> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_metadata is null)
        {
            return NoAuthorityAsync(token, cancellationToken);
        }

        if (token.Length > MaxTokenLength)
        {
            return ValueTask.FromResult(AccessTokenVerdict.Invalid($"token longer than {MaxTokenLength} characters"));
        }

        if (_verified.TryGetValue(token, out var known))
        {
            if (known.Expires > _time.GetUtcNow())
            {
                return ValueTask.FromResult(known);
            }

            _verified.TryRemove(KeyValuePair.Create(token, known));
        }

        return new(VerifyAsync(token, _metadata, cancellationToken));
    }

    /// <inheritdoc />
    public void Dispose() => _http?.Dispose();

    private static ValueTask<AccessTokenVerdict> NoAuthorityAsync(string token, CancellationToken cancellationToken) => NoAccessTokenAuthority.Instance.ValidateAsync(token, cancellationToken);

    private async Task<AccessTokenVerdict> VerifyAsync(string token, ConfigurationManager<OpenIdConnectConfiguration> metadata, CancellationToken cancellationToken)
    {
        if (await ConfigurationAsync(metadata, cancellationToken) is not { } configuration)
        {
            return AccessTokenVerdict.Unavailable("the token authority's metadata or keys could not be read");
        }

        var result = await _handler.ValidateTokenAsync(token, Parameters(configuration));
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key the cached JWKS lacks: the authority may have rotated. Refresh (throttled by MinimumRefreshInterval) and try once more.
            metadata.RequestRefresh();
            if (await ConfigurationAsync(metadata, cancellationToken) is not { } refreshed)
            {
                return AccessTokenVerdict.Unavailable("the token authority's metadata or keys could not be read");
            }

            result = await _handler.ValidateTokenAsync(token, Parameters(refreshed));
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return AccessTokenVerdict.Invalid(result.Exception?.GetType().Name ?? "not a JWS");
        }

        var clientId = jwt.TryGetPayloadValue<string>("client_id", out var c) ? c : jwt.TryGetPayloadValue<string>("azp", out var azp) ? azp : null;
        var verdict = AccessTokenVerdict.Valid(clientId, Confirmation(jwt), new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        Remember(token, verdict);
        return verdict;
    }

    private async Task<OpenIdConnectConfiguration?> ConfigurationAsync(ConfigurationManager<OpenIdConnectConfiguration> metadata, CancellationToken cancellationToken)
    {
        try
        {
            return await metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogMetadataUnavailable(_logger, ex, LogValue.Escape(_options.Authority)!);
            return null;
        }
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = _options.Authority,
        ValidAudiences = _options.Audiences,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidAlgorithms = Algorithms,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ClockSkew = _options.ClockSkew,

        // The host's clock (TimeProvider), the same one the verdict cache expires by.
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = _time.GetUtcNow().UtcDateTime;
            return expires is { } exp && now <= exp + _options.ClockSkew && (notBefore is not { } nbf || nbf <= now + _options.ClockSkew);
        },
    };

    /// <summary>The RFC 8705 <c>cnf.x5t#S256</c>, or null.</summary>
    private static string? Confirmation(JsonWebToken jwt)
    {
        if (!jwt.TryGetClaim("cnf", out var cnf))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(cnf.Value);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("x5t#S256", out var x5t) && x5t.ValueKind == JsonValueKind.String
                ? x5t.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Remember(string token, AccessTokenVerdict verdict)
    {
        if (_verified.Count >= _options.CacheSize)
        {
            var now = _time.GetUtcNow();
            foreach (var (key, value) in _verified)
            {
                if (value.Expires <= now)
                {
                    _verified.TryRemove(KeyValuePair.Create(key, value));
                }
            }

            if (_verified.Count >= _options.CacheSize)
            {
                _verified.Clear();
            }
        }

        _verified[token] = verdict;
    }

    [LoggerMessage(EventId = 1010, EventName = "TokenAuthorityUnavailable", Level = LogLevel.Error, Message = "Token authority {Authority}: metadata or keys could not be read; tokens are answered 503")]
    private static partial void LogMetadataUnavailable(ILogger logger, Exception exception, string authority);
}

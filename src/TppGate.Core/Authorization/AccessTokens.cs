namespace TppGate.Core.Authorization;

/// <summary>
/// Verifies a bearer access token: signature, issuer, audience and lifetime against the configured authority.
/// Only a verified token's claims count. The adapter (Microsoft.IdentityModel) lives outside Core.
/// </summary>
public interface IAccessTokenValidator
{
    /// <summary>
    /// The verdict on <paramref name="token"/>. Never throws for a bad token or an unreachable authority: those
    /// are <see cref="AccessTokenVerdict.Invalid"/> and <see cref="AccessTokenVerdict.Unavailable"/>.
    /// </summary>
    ValueTask<AccessTokenVerdict> ValidateAsync(string token, CancellationToken cancellationToken = default);
}

/// <summary>What a verified token says, or why it was not accepted. The default is not valid.</summary>
public sealed class AccessTokenVerdict
{
    private AccessTokenVerdict()
    {
    }

    /// <summary>True only for a token whose signature, issuer, audience and lifetime were verified.</summary>
    public bool IsValid { get; private init; }

    /// <summary>Why it was refused: <see cref="DenyCode.TokenInvalid"/> or <see cref="DenyCode.ServiceUnavailable"/>.</summary>
    public DenyCode? Failure { get; private init; }

    /// <summary>For the log only.</summary>
    public string? Detail { get; private init; }

    /// <summary>The client the token was issued to (<c>client_id</c>, else <c>azp</c>), or null when it names none.</summary>
    public string? ClientId { get; private init; }

    /// <summary>The RFC 8705 confirmation <c>cnf.x5t#S256</c>, or null when the token is not certificate-bound.</summary>
    public string? X5tS256 { get; private init; }

    /// <summary>The token's <c>exp</c>: a valid verdict may be reused until then, never after.</summary>
    public DateTimeOffset Expires { get; private init; }

    /// <summary>A verified token.</summary>
    public static AccessTokenVerdict Valid(string? clientId, string? x5tS256, DateTimeOffset expires)
        => new() { IsValid = true, ClientId = clientId, X5tS256 = x5tS256, Expires = expires };

    /// <summary>A token that is not accepted (401 TOKEN_INVALID).</summary>
    public static AccessTokenVerdict Invalid(string detail) => new() { Failure = DenyCode.TokenInvalid, Detail = detail };

    /// <summary>The authority could not be asked (503 SERVICE_UNAVAILABLE): fail closed.</summary>
    public static AccessTokenVerdict Unavailable(string detail) => new() { Failure = DenyCode.ServiceUnavailable, Detail = detail };
}

/// <summary>The validator when no authority is configured: every token is refused.</summary>
public sealed class NoAccessTokenAuthority : IAccessTokenValidator
{
    /// <summary>The one instance.</summary>
    public static readonly NoAccessTokenAuthority Instance = new();

    private static readonly AccessTokenVerdict Refused = AccessTokenVerdict.Invalid("no token authority is configured (Authorizer:Tokens:Authority), so no token can be verified");

    /// <inheritdoc />
    public ValueTask<AccessTokenVerdict> ValidateAsync(string token, CancellationToken cancellationToken = default) => ValueTask.FromResult(Refused);
}

using System.Collections.Concurrent;
using Azure.Core;

namespace TppGate.Azure.Tests.KeyVault;

/// <summary>The tests' own credential: hands out one fixed token and records the scopes it was asked for.</summary>
public sealed class StaticTokenCredential : TokenCredential
{
    private readonly ConcurrentQueue<string> _scopes = new();

    /// <summary>Every scope requested, in order.</summary>
    public IReadOnlyList<string> RequestedScopes => [.. _scopes];

    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            _scopes.Enqueue(scope);
        }

        return new AccessToken(FakeKeyVaultServer.AcceptedToken, DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using TppGate.Core.Bindings;

namespace TppGate.Core.Authorization;

/// <summary>
/// The decision pipeline every host shares: a short sequence of checks, each returning a deny early. A warm
/// decision (certificate, binding and token verdict cached, change feed fresh) touches no storage and no
/// network. Never throws for bad input or a failing dependency: those are denies.
/// </summary>
public sealed class Authorizer(
    CertificateVerifier verifier,
    BindingCache bindings,
    IBindingStore store,
    IAccessTokenValidator tokens,
    AuthorizerOptions options,
    TimeProvider time)
{
    // char.IsControl: C0, DEL and C1.
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        Enumerable.Range(0, 0xA0).Select(i => (char)i).Where(char.IsControl).ToArray());

    private readonly ConcurrentDictionary<string, Lazy<Task<CertificateBinding?>>> _reads = new(StringComparer.Ordinal);
    private readonly FrozenDictionary<string, string[]> _apiRoles = BerlinGroupApiRoles.With(options.ApiRoles);

    /// <summary>An authorizer with no token authority: every bearer token is refused (TOKEN_INVALID).</summary>
    public Authorizer(CertificateVerifier verifier, BindingCache bindings, IBindingStore store, AuthorizerOptions options, TimeProvider time)
        : this(verifier, bindings, store, NoAccessTokenAuthority.Instance, options, time)
    {
    }

    /// <summary>Decides one request.</summary>
    public ValueTask<AuthorizationDecision> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.CertificateValue))
        {
            return Done(AuthorizationDecision.Deny(DenyCode.CertificateMissing, "no certificate value"));
        }

        // The certificate is judged first: what is wrong with it is what the caller most needs to hear.
        var clientId = string.IsNullOrEmpty(request.ClientId) ? null : request.ClientId;
        var certificate = verifier.Verify(request.CertificateValue, request.CertificateFormat, request.ChainValue, out var deny);
        if (certificate is null)
        {
            return Done(deny!);
        }

        if (certificate.Failure is { } failure)
        {
            return Done(AuthorizationDecision.Deny(failure, certificate.FailureDetail ?? failure.ToCode(), certificate, clientId));
        }

        if (request.AccessToken is not { } token)
        {
            return Continue(request, clientId, certificate, null, cancellationToken);
        }

        var verdict = tokens.ValidateAsync(token, cancellationToken);
        return verdict.IsCompletedSuccessfully
            ? Continue(request, clientId, certificate, verdict.Result, cancellationToken)
            : ContinueAfterTokenAsync(request, clientId, certificate, verdict, cancellationToken);
    }

    private async ValueTask<AuthorizationDecision> ContinueAfterTokenAsync(AuthorizationRequest request, string? clientId, ValidatedCertificate certificate, ValueTask<AccessTokenVerdict> pending, CancellationToken cancellationToken)
    {
        AccessTokenVerdict verdict;
        try
        {
            verdict = await pending.AsTask().WaitAsync(options.Deadline, time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return AuthorizationDecision.Deny(DenyCode.ServiceUnavailable, $"token authority: {ex.GetType().Name}", certificate, clientId);
        }

        return await Continue(request, clientId, certificate, verdict, cancellationToken);
    }

    private ValueTask<AuthorizationDecision> Continue(AuthorizationRequest request, string? clientId, ValidatedCertificate certificate, AccessTokenVerdict? token, CancellationToken cancellationToken)
    {
        if (token is not null)
        {
            if (!token.IsValid)
            {
                return Done(AuthorizationDecision.Deny(token.Failure ?? DenyCode.TokenInvalid, "access token: " + token.Detail, certificate, clientId));
            }

            if (token.ClientId is null)
            {
                return Done(AuthorizationDecision.Deny(DenyCode.TokenInvalid, "access token names no client (client_id or azp)", certificate, clientId));
            }

            if (clientId is null)
            {
                clientId = token.ClientId;
            }
            else if (!string.Equals(clientId, token.ClientId, StringComparison.Ordinal))
            {
                return Done(AuthorizationDecision.Deny(DenyCode.ClientIdMismatch, $"access token issued to '{token.ClientId}', request names '{clientId}'", certificate, clientId));
            }
        }

        if (clientId is null)
        {
            if (!options.IdentifyByCertificate)
            {
                return Done(AuthorizationDecision.Deny(DenyCode.ClientIdMissing, "no client_id", certificate));
            }
        }
        else if (clientId.AsSpan().ContainsAny(ControlCharacters))
        {
            return Done(AuthorizationDecision.Deny(DenyCode.ClientIdInvalid, "client_id holds control characters", certificate, clientId));
        }
        else if (clientId.Length > options.MaxClientIdLength)
        {
            return Done(AuthorizationDecision.Deny(DenyCode.CertificateNotBound, "client_id longer than allowed", certificate, clientId));
        }

        if (options.CheckRoles && string.IsNullOrWhiteSpace(request.Api))
        {
            return Done(AuthorizationDecision.Deny(DenyCode.ApiMissing, "no API named, and role checks are on", certificate, clientId));
        }

        var sha256 = certificate.Thumbprints.Sha256Hex;
        if (bindings.TryGet(sha256, out var binding))
        {
            return Done(Decide(request, clientId, certificate, binding, token));
        }

        return DecideAfterReadAsync(request, clientId, certificate, token, cancellationToken);
    }

    private async ValueTask<AuthorizationDecision> DecideAfterReadAsync(AuthorizationRequest request, string? clientId, ValidatedCertificate certificate, AccessTokenVerdict? token, CancellationToken cancellationToken)
    {
        var sha256 = certificate.Thumbprints.Sha256Hex;

        // One storage read per certificate at a time: concurrent misses for the same certificate share it.
        var read = _reads.GetOrAdd(sha256, ReadBinding);
        CertificateBinding? binding;
        try
        {
            // WaitAsync bounds each caller's wait even if the store ignores its token.
            binding = await read.Value.WaitAsync(options.Deadline, time, cancellationToken);
        }
        catch (Exception ex) when (ex is BindingStoreUnavailableException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return AuthorizationDecision.Deny(DenyCode.ServiceUnavailable, $"binding store: {ex.GetType().Name}: {ex.Message}", certificate, clientId);
        }
        finally
        {
            _reads.TryRemove(KeyValuePair.Create(sha256, read));
        }

        return Decide(request, clientId, certificate, binding, token);
    }

    private Lazy<Task<CertificateBinding?>> ReadBinding(string sha256) => new(async () =>
    {
        var epoch = bindings.Epoch;
        using var deadline = new CancellationTokenSource(options.Deadline, time);
        var binding = await store.GetByCertificateAsync(sha256, deadline.Token);
        bindings.Store(sha256, binding, epoch);
        return binding;
    });

    private AuthorizationDecision Decide(AuthorizationRequest request, string? clientId, ValidatedCertificate certificate, CertificateBinding? binding, AccessTokenVerdict? token)
    {
        if (binding is null)
        {
            return AuthorizationDecision.Deny(DenyCode.CertificateNotBound, "no binding for this certificate", certificate, clientId);
        }

        if (binding.Status == BindingStatus.Revoked)
        {
            return AuthorizationDecision.Deny(DenyCode.CertificateBlocked, $"binding to '{binding.ClientId}' revoked at {binding.RevokedAt:O}", certificate, clientId);
        }

        if (clientId is not null && !string.Equals(binding.ClientId, clientId, StringComparison.Ordinal))
        {
            return AuthorizationDecision.Deny(DenyCode.CertificateNotBound, $"certificate bound to another client '{binding.ClientId}'", certificate, clientId);
        }

        var now = time.GetUtcNow();
        if (!binding.IsUsableAt(now))
        {
            return AuthorizationDecision.Deny(DenyCode.CertificateNotBound, $"outside the activation window {binding.ActiveFrom:O}..{binding.ActiveUntil:O}", certificate, binding.ClientId);
        }

        if (options.CheckRoles && !HasRoleFor(request.Api!, certificate.Roles))
        {
            return AuthorizationDecision.Deny(DenyCode.RoleInvalid, $"API '{request.Api}' needs one of [{string.Join(',', _apiRoles.GetValueOrDefault(request.Api!) ?? [])}], certificate has [{string.Join(',', certificate.Roles)}]", certificate, binding.ClientId);
        }

        // The token was verified above; here it must be bound (RFC 8705) to the certificate in the handshake.
        if (token is not null && (token.X5tS256 is null ? options.RequireBoundTokens : !string.Equals(token.X5tS256, certificate.Thumbprints.X5tS256, StringComparison.Ordinal)))
        {
            return AuthorizationDecision.Deny(DenyCode.TokenBindingMismatch, $"token cnf x5t#S256 '{token.X5tS256}' is not the certificate's", certificate, binding.ClientId);
        }

        return certificate.AllowFor(binding.ClientId);
    }

    private bool HasRoleFor(string api, IReadOnlyList<string> roles)
    {
        if (!_apiRoles.TryGetValue(api, out var needed))
        {
            return false;
        }

        foreach (var role in roles)
        {
            if (Array.IndexOf(needed, role) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static ValueTask<AuthorizationDecision> Done(AuthorizationDecision decision) => ValueTask.FromResult(decision);
}

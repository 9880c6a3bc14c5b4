using System.Collections.Concurrent;
using TppGate.Core.Bindings;

namespace TppGate.Core.Authorization;

/// <summary>
/// The decision pipeline every host shares: a short sequence of checks, each returning a deny early. A warm
/// decision (certificate and binding cached, change feed fresh) touches no storage. Never throws for bad input
/// or a failing dependency: those are denies.
/// </summary>
public sealed class Authorizer(
    CertificateVerifier verifier,
    BindingCache bindings,
    IBindingStore store,
    AuthorizerOptions options,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<CertificateBinding?>>> _reads = new(StringComparer.Ordinal);

    /// <summary>Decides one request.</summary>
    public ValueTask<AuthorizationDecision> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.CertificateValue))
        {
            return Done(AuthorizationDecision.Deny(DenyCode.CertificateMissing, "no certificate value"));
        }

        var clientId = string.IsNullOrEmpty(request.ClientId) ? null : request.ClientId;
        if (clientId is null && !options.IdentifyByCertificate)
        {
            return Done(AuthorizationDecision.Deny(DenyCode.ClientIdMissing, "no client_id"));
        }

        if (clientId is not null && clientId.Length > options.MaxClientIdLength)
        {
            return Done(AuthorizationDecision.Deny(DenyCode.CertificateNotBound, "client_id longer than allowed"));
        }

        var certificate = verifier.Verify(request.CertificateValue, request.CertificateFormat, request.ChainValue, out var deny);
        if (certificate is null)
        {
            return Done(deny!);
        }

        if (certificate.Failure is { } failure)
        {
            return Done(AuthorizationDecision.Deny(failure, certificate.FailureDetail ?? failure.ToCode(), certificate, clientId));
        }

        var sha256 = certificate.Thumbprints.Sha256Hex;
        if (bindings.TryGet(sha256, out var binding))
        {
            return Done(Decide(request, clientId, certificate, binding));
        }

        return DecideAfterReadAsync(request, clientId, certificate, cancellationToken);
    }

    private async ValueTask<AuthorizationDecision> DecideAfterReadAsync(AuthorizationRequest request, string? clientId, ValidatedCertificate certificate, CancellationToken cancellationToken)
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

        return Decide(request, clientId, certificate, binding);
    }

    private Lazy<Task<CertificateBinding?>> ReadBinding(string sha256) => new(async () =>
    {
        var epoch = bindings.Epoch;
        using var deadline = new CancellationTokenSource(options.Deadline, time);
        var binding = await store.GetByCertificateAsync(sha256, deadline.Token);
        bindings.Store(sha256, binding, epoch);
        return binding;
    });

    private AuthorizationDecision Decide(AuthorizationRequest request, string? clientId, ValidatedCertificate certificate, CertificateBinding? binding)
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

        if (request.Api is not null && !HasRoleFor(request.Api, certificate.Roles))
        {
            return AuthorizationDecision.Deny(DenyCode.RoleInvalid, $"API '{request.Api}' needs one of [{string.Join(',', options.ApiRoles.GetValueOrDefault(request.Api) ?? [])}], certificate has [{string.Join(',', certificate.Roles)}]", certificate, binding.ClientId);
        }

        if (request.AccessToken is { } token)
        {
            if (!AccessTokenBinding.TryRead(token, out var x5t, out var tokenClient))
            {
                return AuthorizationDecision.Deny(DenyCode.TokenBindingMismatch, "access token unreadable", certificate, binding.ClientId);
            }

            if (x5t is null ? options.RequireBoundTokens : !string.Equals(x5t, certificate.Thumbprints.X5tS256, StringComparison.Ordinal))
            {
                return AuthorizationDecision.Deny(DenyCode.TokenBindingMismatch, $"token cnf x5t#S256 '{x5t}' is not the certificate's", certificate, binding.ClientId);
            }

            if (tokenClient is not null && !string.Equals(tokenClient, binding.ClientId, StringComparison.Ordinal))
            {
                return AuthorizationDecision.Deny(DenyCode.TokenBindingMismatch, $"token issued to '{tokenClient}'", certificate, binding.ClientId);
            }
        }

        return certificate.AllowFor(binding.ClientId);
    }

    private bool HasRoleFor(string api, IReadOnlyList<string> roles)
    {
        if (!options.ApiRoles.TryGetValue(api, out var needed))
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

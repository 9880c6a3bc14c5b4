using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.Http.Authorize;
using TppGate.Http.Callers;
using TppGate.Http.Logging;
using TppGate.Http.Results;

namespace TppGate.Http.Admin;

/// <summary>
/// The admin API: register, list, get, update, revoke, audit and expiring bindings. Writes need the TppGate.Admin
/// app role, reads TppGate.Admin or TppGate.Reader; no role, no access. Bodies are strict: unknown fields,
/// bad JSON and oversized payloads are 400 and nothing is stored.
/// </summary>
public sealed partial class AdminHandlers(
    IBindingStore store,
    BindingCache cache,
    ChainValidator chainValidator,
    AuthorizerOptions authorizerOptions,
    ICallerResolver callers,
    TimeProvider time,
    ILogger<AdminHandlers> logger,
    Telemetry.TppGateMetrics? metrics = null)
{
    /// <summary>The largest admin request body, in bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The longest revocation reason or note.</summary>
    public const int MaxTextLength = 1024;

    /// <summary><c>POST /api/bindings</c>.</summary>
    public Task<TppGateResult> RegisterAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return GuardAsync(context, () => RegisterCoreAsync(context));
    }

    private async Task<TppGateResult> RegisterCoreAsync(HttpContext context)
    {
        if (Authorize(context, write: true) is { } refused)
        {
            return refused;
        }

        var (body, error) = await ReadBodyAsync<RegisterBindingRequest>(context);
        if (body is null)
        {
            return error!;
        }

        if (ValidateClientId(context, body.ClientId, registering: true) is { } badClient)
        {
            return badClient;
        }

        if (body.Note is { Length: > MaxTextLength })
        {
            return BadRequest(context, "NOTE_TOO_LONG", $"The note is longer than {MaxTextLength} characters.");
        }

        if (body.ActiveFrom is { } from && body.ActiveUntil is { } until && until <= from)
        {
            return BadRequest(context, "ACTIVATION_WINDOW_INVALID", "activeUntil must be after activeFrom.");
        }

        if (string.IsNullOrWhiteSpace(body.Certificate))
        {
            return BadRequest(context, "CERTIFICATE_MISSING", "The body has no certificate.");
        }

        var read = ForwardedCertificateReader.Read(body.Certificate, CertificateSourceFormat.Auto);
        if (!read.Succeeded)
        {
            LogRegistrationRefused(logger, "CERTIFICATE_INVALID", read.Error.ToString(), context.TraceIdentifier);
            return BadRequest(context, "CERTIFICATE_INVALID", "The certificate could not be read.");
        }

        using var forwarded = read.Value;
        var certificate = forwarded.Certificate;
        var chain = chainValidator.Validate(certificate, forwarded.Chain);
        var profile = EidasReader.Read(certificate);
        if (!chain.Trusted)
        {
            var code = DenyCodes.FromChain(chain);
            LogRegistrationRefused(logger, code.ToCode(), LogValue.Escape($"{string.Join(',', chain.Failures)}: {chain.Detail}")!, context.TraceIdentifier);
            return code == DenyCode.ServiceUnavailable
                ? TppGateResult.Problem(context, 503, code.ToCode(), code.ToTitle())
                : BadRequest(context, code.ToCode(), code.ToTitle());
        }

        if (Psd2Acceptance.Refusal(profile, authorizerOptions) is { } refusal)
        {
            LogRegistrationRefused(logger, "CERTIFICATE_INVALID", LogValue.Escape(refusal)!, context.TraceIdentifier);
            return BadRequest(context, "CERTIFICATE_INVALID", "The certificate is not a qualified PSD2 QWAC with at least one role, or its structure is not strict X.509 DER.");
        }

        var caller = callers.Resolve(context.Request)!;
        var binding = CertificateBinding.For(certificate, body.ClientId!, caller.AuditName, time.GetUtcNow(), profile) with
        {
            ActiveFrom = body.ActiveFrom,
            ActiveUntil = body.ActiveUntil,
            Note = body.Note,
        };

        return await StoreCallAsync(context, async ct =>
        {
            var result = await store.RegisterAsync(binding, ct);
            cache.Invalidate(binding.Sha256);
            LogRegistered(logger, result.Outcome.ToString(), LogValue.Escape(binding.ClientId)!, binding.Thumbprint, LogValue.Escape(caller.AuditName)!);
            metrics?.AdminWrite("register", result.Outcome.ToString());
            return result.Outcome switch
            {
                RegisterOutcome.Created => TppGateResult.Json(201, BindingView.Of(result.Binding)),
                RegisterOutcome.AlreadyBound => TppGateResult.Json(200, BindingView.Of(result.Binding)),
                RegisterOutcome.Blocked => TppGateResult.Problem(context, 409, "CERTIFICATE_BLOCKED", "The certificate's binding was revoked; it cannot be bound again."),
                RegisterOutcome.IdentityTaken => TppGateResult.Conflict(context, "CERTIFICATE_IDENTITY_TAKEN",
                    "Another certificate with this issuer and serial number (another encoding of it) is registered; it cannot be bound.",
                    BindingView.Of(result.Binding)),
                RegisterOutcome.SettingsDiffer => TppGateResult.Conflict(context, "BINDING_SETTINGS_DIFFER",
                    "The certificate is already bound to this client with other settings; nothing changed. Change them with PATCH /api/bindings/{clientId}/{thumbprint}.",
                    BindingView.Of(result.Binding)),
                _ => TppGateResult.Problem(context, 409, "CERTIFICATE_ALREADY_BOUND", "The certificate is bound to another client."),
            };
        });
    }

    /// <summary><c>GET /api/bindings/{clientId}</c>.</summary>
    public Task<TppGateResult> ListAsync(HttpContext context, string clientId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (RefuseClientRoute(context, write: false, ref clientId) is { } refused)
        {
            return Task.FromResult(refused);
        }

        return StoreCallAsync(context, async ct =>
        {
            var list = await store.GetByClientAsync(clientId, ct);
            return TppGateResult.Json(200, new BindingListView(list.Select(BindingView.Of).ToArray()));
        });
    }

    /// <summary><c>GET /api/certificates/{thumbprint}</c> (hex or x5t#S256).</summary>
    public Task<TppGateResult> GetByCertificateAsync(HttpContext context, string thumbprint)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Authorize(context, write: false) is { } refused)
        {
            return Task.FromResult(refused);
        }

        if (!Thumbprint.TryParseSha256(Unescape(thumbprint), out var sha256))
        {
            return Task.FromResult(BadRequest(context, "THUMBPRINT_INVALID", "A thumbprint is SHA-256 in hex or base64url (x5t#S256)."));
        }

        return StoreCallAsync(context, async ct =>
        {
            var binding = await store.GetByCertificateAsync(sha256, ct);
            return binding is null
                ? TppGateResult.Problem(context, 404, "BINDING_NOT_FOUND", "No binding for this certificate.")
                : TppGateResult.Json(200, BindingView.Of(binding));
        });
    }

    /// <summary><c>POST /api/bindings/{clientId}/{thumbprint}/revoke</c>.</summary>
    public Task<TppGateResult> RevokeAsync(HttpContext context, string clientId, string thumbprint)
    {
        ArgumentNullException.ThrowIfNull(context);
        return GuardAsync(context, () => RevokeCoreAsync(context, clientId, thumbprint));
    }

    private async Task<TppGateResult> RevokeCoreAsync(HttpContext context, string clientId, string thumbprint)
    {
        if (RefuseClientRoute(context, write: true, ref clientId) is { } refused)
        {
            return refused;
        }

        if (!Thumbprint.TryParseSha256(Unescape(thumbprint), out var sha256))
        {
            return BadRequest(context, "THUMBPRINT_INVALID", "A thumbprint is SHA-256 in hex or base64url (x5t#S256).");
        }

        var (body, error) = await ReadBodyAsync<RevokeBindingRequest>(context);
        if (body is null)
        {
            return error!;
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > MaxTextLength)
        {
            return BadRequest(context, "REASON_INVALID", $"A revocation needs a reason of 1 to {MaxTextLength} characters.");
        }

        var caller = callers.Resolve(context.Request)!;
        return await StoreCallAsync(context, async ct =>
        {
            var result = await store.RevokeAsync(clientId, sha256, caller.AuditName, body.Reason, ct);
            cache.Invalidate(sha256);
            LogRevoked(logger, result.Outcome.ToString(), LogValue.Escape(clientId)!, sha256, LogValue.Escape(caller.AuditName)!);
            metrics?.AdminWrite("revoke", result.Outcome.ToString());
            return result.Outcome == RevokeOutcome.NotFound
                ? TppGateResult.Problem(context, 404, "BINDING_NOT_FOUND", "No binding of this certificate to this client.")
                : TppGateResult.Json(200, BindingView.Of(result.Binding!));
        });
    }

    /// <summary><c>GET /api/bindings/{clientId}/audit</c>.</summary>
    public Task<TppGateResult> AuditAsync(HttpContext context, string clientId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (RefuseClientRoute(context, write: false, ref clientId) is { } refused)
        {
            return Task.FromResult(refused);
        }

        return StoreCallAsync(context, async ct =>
        {
            var records = await store.GetAuditAsync(clientId, ct);
            var views = records.Select(r => new AuditView(
                r.ClientId,
                Thumbprint.HexToX5tS256(r.Sha256),
                r.Action.ToString().ToLowerInvariant(),
                r.Actor,
                r.At,
                r.Reason,
                r.Before is null ? null : BindingView.Of(r.Before),
                r.After is null ? null : BindingView.Of(r.After))).ToArray();
            return TppGateResult.Json(200, new AuditListView(clientId, views));
        });
    }

    /// <summary><c>GET /api/bindings?expiringWithinDays=N</c>.</summary>
    public Task<TppGateResult> ExpiringAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Authorize(context, write: false) is { } refused)
        {
            return Task.FromResult(refused);
        }

        var raw = context.Request.Query["expiringWithinDays"];
        if (raw.Count != 1 || !int.TryParse(raw[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) || days > 3650)
        {
            return Task.FromResult(BadRequest(context, "QUERY_INVALID", "expiringWithinDays must be a whole number from 0 to 3650."));
        }

        return StoreCallAsync(context, async ct =>
        {
            var list = await store.GetExpiringAsync(time.GetUtcNow().AddDays(days), ct);
            return TppGateResult.Json(200, new BindingListView(list.Select(BindingView.Of).ToArray()));
        });
    }

    private TppGateResult? Authorize(HttpContext context, bool write)
    {
        // App Service Authentication leaves /api/health open and matches that exclusion on the raw target, so a target
        // that becomes an admin route only once dot segments are removed is refused before the caller is looked at.
        // Client ids travel in the path, so %2F and %5C are allowed inside a segment (as the authorizer, issue 8 item 15).
        if (!CanonicalTarget.IsCanonical(context, allowEncodedSeparators: true))
        {
            return TppGateResult.Problem(context, 400, CanonicalTarget.Code, "The request target is not the admin API's canonical path.");
        }

        if (!callers.IsConfigured)
        {
            LogAdminAuthNotConfigured(logger, context.TraceIdentifier);
            return TppGateResult.Problem(context, 503, "ADMIN_AUTH_NOT_CONFIGURED", "The admin API is not behind App Service Authentication for the admin application.");
        }

        var caller = callers.Resolve(context.Request);
        if (caller is null)
        {
            return TppGateResult.Problem(context, 401, "UNAUTHENTICATED", "The admin API needs an authenticated caller.");
        }

        return (write ? caller.CanWrite : caller.CanRead)
            ? null
            : TppGateResult.Problem(context, 403, "FORBIDDEN", write ? "This needs the TppGate.Admin role." : "This needs the TppGate.Reader or TppGate.Admin role.");
    }

    /// <summary>The role check and the client_id check of a <c>/api/bindings/{clientId}/...</c> route; decodes the path value.</summary>
    private TppGateResult? RefuseClientRoute(HttpContext context, bool write, ref string clientId)
    {
        if (Authorize(context, write) is { } refused)
        {
            return refused;
        }

        clientId = Unescape(clientId);
        return ValidateClientId(context, clientId, registering: false);
    }

    /// <summary>
    /// The client_id rules. Surrounding whitespace is refused only when registering, so a binding stored before
    /// that rule can still be listed and revoked by its own name.
    /// </summary>
    private TppGateResult? ValidateClientId(HttpContext context, string? clientId, bool registering)
    {
        if (string.IsNullOrWhiteSpace(clientId))
        {
            return BadRequest(context, "CLIENT_ID_MISSING", "The request names no client_id.");
        }

        // '%' is refused because path routes (list, audit, revoke) decode the client_id once more after routing,
        // so a client_id holding '%' could be registered but never revoked by its own name.
        // Leading or trailing whitespace is refused: a TPP sending the trimmed name (as many clients do) would never match.
        if (clientId.Length > authorizerOptions.MaxClientIdLength || clientId.Any(char.IsControl) || clientId.Contains('%', StringComparison.Ordinal)
            || (registering && (char.IsWhiteSpace(clientId[0]) || char.IsWhiteSpace(clientId[^1]))))
        {
            return BadRequest(context, "CLIENT_ID_INVALID", $"A client_id has 1 to {authorizerOptions.MaxClientIdLength} characters, no control characters, no '%' and no leading or trailing whitespace.");
        }

        return null;
    }

    private static async Task<(T? Body, TppGateResult? Error)> ReadBodyAsync<T>(HttpContext context)
        where T : class
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, BadRequest(context, "BODY_TOO_LARGE", $"The body is larger than {MaxBodyBytes} bytes."));
        }

        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, BadRequest(context, "BODY_INVALID", "The body must be application/json."));
        }

        // Read at most one byte past the limit, so a body without Content-Length cannot grow without bound.
        var buffer = new byte[MaxBodyBytes + 1];
        var total = 0;
        int n;
        while (total < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(total), context.RequestAborted)) > 0)
        {
            total += n;
        }

        if (total > MaxBodyBytes)
        {
            return (null, BadRequest(context, "BODY_TOO_LARGE", $"The body is larger than {MaxBodyBytes} bytes."));
        }

        try
        {
            var typeInfo = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)HttpJsonContext.Default.GetTypeInfo(typeof(T))!;
            var body = JsonSerializer.Deserialize(buffer.AsSpan(0, total), typeInfo);
            return body is null ? (null, BadRequest(context, "BODY_INVALID", "The body is not a JSON object.")) : (body, null);
        }
        catch (JsonException)
        {
            return (null, BadRequest(context, "BODY_INVALID", "The body is not valid JSON of the expected shape (unknown fields are refused)."));
        }
    }

    /// <summary>Last resort: a defect anywhere in a handler is a 503 problem with a trace id, never a 500 with an empty body.</summary>
    private async Task<TppGateResult> GuardAsync(HttpContext context, Func<Task<TppGateResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, ex, context.TraceIdentifier);
            return TppGateResult.Problem(context, 503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable.");
        }
    }

    private async Task<TppGateResult> StoreCallAsync(HttpContext context, Func<CancellationToken, Task<TppGateResult>> call)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(authorizerOptions.Deadline * 10);
            return await call(deadline.Token);
        }
        catch (Exception ex) when (ex is BindingStoreUnavailableException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            LogStoreUnavailable(logger, ex, context.TraceIdentifier);
            return TppGateResult.Problem(context, 503, "SERVICE_UNAVAILABLE", "The binding store is temporarily unavailable.");
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Last resort: a defect is a 503 problem with a trace id, never a 500 with an empty body.
            LogUnexpected(logger, ex, context.TraceIdentifier);
            return TppGateResult.Problem(context, 503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable.");
        }
    }

    private static TppGateResult BadRequest(HttpContext context, string code, string title) => TppGateResult.Problem(context, 400, code, title);

    private static string Unescape(string value) => Uri.UnescapeDataString(value);

    [LoggerMessage(EventId = 2000, EventName = "BindingRegistered", Level = LogLevel.Information, Message = "Registration {Outcome}: client {ClientId}, certificate {Thumbprint}, by {Actor}")]
    private static partial void LogRegistered(ILogger logger, string outcome, string clientId, string thumbprint, string actor);

    [LoggerMessage(EventId = 2001, EventName = "BindingRegistrationRefused", Level = LogLevel.Warning, Message = "Registration refused {Code}: {Detail} (request {RequestId})")]
    private static partial void LogRegistrationRefused(ILogger logger, string code, string detail, string requestId);

    [LoggerMessage(EventId = 2002, EventName = "BindingRevoked", Level = LogLevel.Warning, Message = "Revocation {Outcome}: client {ClientId}, certificate {Sha256}, by {Actor}")]
    private static partial void LogRevoked(ILogger logger, string outcome, string clientId, string sha256, string actor);

    [LoggerMessage(EventId = 2004, EventName = "AdminFailed", Level = LogLevel.Error, Message = "Admin request failed unexpectedly; answered 503 (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 2090, EventName = "AdminAuthNotConfigured", Level = LogLevel.Error, Message = "Admin call refused: App Service Authentication is off (WEBSITE_AUTH_ENABLED) or Admin:Audience is not set (request {RequestId})")]
    private static partial void LogAdminAuthNotConfigured(ILogger logger, string requestId);

    [LoggerMessage(EventId = 2003, EventName = "BindingStoreUnavailable", Level = LogLevel.Error, Message = "Binding store unavailable (request {RequestId})")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string requestId);
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Http.Logging;
using TppGate.Http.Results;

namespace TppGate.Http.Admin;

/// <summary><c>PATCH /api/bindings/{clientId}/{thumbprint}</c>: the audited change of a binding's activation window or note.</summary>
public sealed partial class AdminHandlers
{
    /// <summary>
    /// <c>PATCH /api/bindings/{clientId}/{thumbprint}</c> (decision 0014). A field absent from the body keeps its
    /// value, a field sent as JSON null clears it, a value sets it.
    /// </summary>
    public Task<TppGateResult> UpdateAsync(HttpContext context, string clientId, string thumbprint)
    {
        ArgumentNullException.ThrowIfNull(context);
        return GuardAsync(context, () => UpdateCoreAsync(context, clientId, thumbprint));
    }

    private async Task<TppGateResult> UpdateCoreAsync(HttpContext context, string clientId, string thumbprint)
    {
        if (RefuseClientRoute(context, write: true, ref clientId) is { } refused)
        {
            return refused;
        }

        if (!Thumbprint.TryParseSha256(Unescape(thumbprint), out var sha256))
        {
            return BadRequest(context, "THUMBPRINT_INVALID", "A thumbprint is SHA-256 in hex or base64url (x5t#S256).");
        }

        var (body, error) = await ReadBodyAsync<UpdateBindingRequest>(context);
        if (body is null)
        {
            return error!;
        }

        if (!TryReadInstant(body.ActiveFrom, out var activeFrom) || !TryReadInstant(body.ActiveUntil, out var activeUntil) || !TryReadText(body.Note, out var note))
        {
            return BadRequest(context, "BODY_INVALID", "activeFrom and activeUntil are ISO 8601 date-times or null, note is a string or null.");
        }

        var caller = callers.Resolve(context.Request)!;
        var update = new BindingUpdate { Actor = caller.AuditName, ActiveFrom = activeFrom, ActiveUntil = activeUntil, Note = note };
        if (update.IsEmpty)
        {
            return BadRequest(context, "BODY_INVALID", "The body names no field to change (activeFrom, activeUntil, note).");
        }

        if (note?.Value is { Length: > MaxTextLength })
        {
            return BadRequest(context, "NOTE_TOO_LONG", $"The note is longer than {MaxTextLength} characters.");
        }

        if (activeFrom?.Value is { } from && activeUntil?.Value is { } until && until <= from)
        {
            return BadRequest(context, "ACTIVATION_WINDOW_INVALID", "activeUntil must be after activeFrom.");
        }

        return await StoreCallAsync(context, async ct =>
        {
            var result = await store.UpdateAsync(clientId, sha256, update, ct);
            cache.Invalidate(sha256);
            LogUpdated(logger, result.Outcome.ToString(), LogValue.Escape(clientId)!, sha256, LogValue.Escape(caller.AuditName)!);
            metrics?.AdminWrite("update", result.Outcome.ToString());
            return result.Outcome switch
            {
                UpdateOutcome.Updated or UpdateOutcome.Unchanged => TppGateResult.Json(200, BindingView.Of(result.Binding!)),
                UpdateOutcome.Revoked => TppGateResult.Conflict(context, "BINDING_REVOKED", "The binding is revoked; a revoked binding cannot be changed.", BindingView.Of(result.Binding!)),
                UpdateOutcome.WindowInvalid => BadRequest(context, "ACTIVATION_WINDOW_INVALID", result.Problem ?? "The activation window is not valid."),
                _ => TppGateResult.Problem(context, 404, "BINDING_NOT_FOUND", "No binding of this certificate to this client."),
            };
        });
    }

    /// <summary>Absent (undefined) is no change, null clears, a string must be an ISO 8601 date-time.</summary>
    private static bool TryReadInstant(JsonElement element, out FieldChange<DateTimeOffset?>? change)
    {
        change = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Undefined:
                return true;
            case JsonValueKind.Null:
                change = new FieldChange<DateTimeOffset?>(null);
                return true;
            case JsonValueKind.String when element.TryGetDateTimeOffset(out var value):
                change = new FieldChange<DateTimeOffset?>(value);
                return true;
            default:
                return false;
        }
    }

    private static bool TryReadText(JsonElement element, out FieldChange<string?>? change)
    {
        change = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Undefined:
                return true;
            case JsonValueKind.Null:
                change = new FieldChange<string?>(null);
                return true;
            case JsonValueKind.String:
                change = new FieldChange<string?>(element.GetString());
                return true;
            default:
                return false;
        }
    }

    [LoggerMessage(EventId = 2005, EventName = "BindingUpdated", Level = LogLevel.Warning, Message = "Update {Outcome}: client {ClientId}, certificate {Sha256}, by {Actor}")]
    private static partial void LogUpdated(ILogger logger, string outcome, string clientId, string sha256, string actor);
}

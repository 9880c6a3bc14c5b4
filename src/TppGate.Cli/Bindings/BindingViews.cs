using System.Globalization;
using System.Text.Json.Nodes;
using TppGate.Cli.Admin;

namespace TppGate.Cli.Bindings;

/// <summary>
/// Bindings and audit records for people: read field by field from the server's JSON, so a field added later
/// changes nothing and a field missing shows as "-".
/// </summary>
internal static class BindingViews
{
    public static void Table(CommandOutput output, JsonNode? bindings) => output.Table(
        ["CLIENT ID", "THUMBPRINT (x5t#S256)", "SUBJECT", "ORGANISATION ID", "ROLES", "NOT AFTER", "STATUS"],
        Items(bindings).Select(b => (IReadOnlyList<string?>)[Text(b, "clientId"), Text(b, "thumbprint"), Text(b, "subject"), Text(b, "organizationId"), Roles(b), CommandOutput.Time(Text(b, "notAfter")), Text(b, "status")]));

    public static IEnumerable<(string, string?)> Rows(JsonNode b) => RowsWithEmpty(b).Where(r => r.Item2 is not null || r.Item1 is not ("Note" or "Revoked"));

    private static IEnumerable<(string, string?)> RowsWithEmpty(JsonNode b) =>
    [
        ("Client id", Text(b, "clientId")),
        ("Status", Text(b, "status")),
        ("Thumbprint", Text(b, "thumbprint")),
        ("SHA-256", Text(b, "sha256")),
        ("Subject", Text(b, "subject")),
        ("Issuer", Text(b, "issuer")),
        ("Organisation id", Text(b, "organizationId")),
        ("Roles", Roles(b)),
        ("NCA", Text(b, "ncaId")),
        ("Valid", $"{CommandOutput.Time(Text(b, "notBefore"))} to {CommandOutput.Time(Text(b, "notAfter"))}"),
        ("Active", $"{CommandOutput.Time(Text(b, "activeFrom")) ?? "at once"} to {CommandOutput.Time(Text(b, "activeUntil")) ?? "certificate expiry"}"),
        ("Created", $"{CommandOutput.Time(Text(b, "createdAt"))} by {Text(b, "createdBy")}"),
        ("Note", Text(b, "note")),
        ("Revoked", Text(b, "revokedAt") is null ? null : $"{CommandOutput.Time(Text(b, "revokedAt"))} by {Text(b, "revokedBy")}: {Text(b, "revocationReason")}"),
    ];

    public static IEnumerable<(string, string?)> PreviewRows(RegistrationPreview p, DateTimeOffset? from, DateTimeOffset? until) =>
    [
        ("Subject", p.Subject),
        ("Issuer", p.Issuer),
        ("Organisation id", p.OrganizationId),
        ("Roles", string.Join(", ", p.Roles)),
        ("NCA", p.NcaId),
        ("Expires", CommandOutput.Time(p.NotAfter.ToString("O", CultureInfo.InvariantCulture))),
        ("Thumbprint", p.X5tS256),
        ("SHA-256", p.Sha256),
        ("Active", $"{(from is { } f ? CommandOutput.Time(f.ToString("O", CultureInfo.InvariantCulture)) : "at once")} to {(until is { } u ? CommandOutput.Time(u.ToString("O", CultureInfo.InvariantCulture)) : "certificate expiry")}"),
        ("Chain", p.AnchorsChecked is { } n ? $"trusted by the {n} anchor(s) given" : "checked by the server (give --anchors to check it here)"),
    ];

    public static JsonObject PreviewJson(string clientId, RegistrationPreview p, DateTimeOffset? from, DateTimeOffset? until) => new()
    {
        ["clientId"] = clientId,
        ["thumbprint"] = p.X5tS256,
        ["sha256"] = p.Sha256,
        ["subject"] = p.Subject,
        ["issuer"] = p.Issuer,
        ["organizationId"] = p.OrganizationId,
        ["roles"] = new JsonArray([.. p.Roles.Select(r => (JsonNode?)JsonValue.Create(r))]),
        ["ncaId"] = p.NcaId,
        ["notBefore"] = p.NotBefore,
        ["notAfter"] = p.NotAfter,
        ["activeFrom"] = from,
        ["activeUntil"] = until,
        ["chainCheckedAgainstAnchors"] = p.AnchorsChecked,
    };

    public static IEnumerable<IReadOnlyList<string?>> AuditRows(JsonNode? records)
        => Items(records).Select(r => (IReadOnlyList<string?>)[CommandOutput.Time(Text(r, "at")), Text(r, "action"), Text(r, "actor"), Text(r, "thumbprint"), Text(r, "reason")]);

    private static IEnumerable<JsonNode> Items(JsonNode? array) => array is JsonArray a ? a.OfType<JsonNode>() : [];

    private static string? Text(JsonNode? node, string name)
        => node is JsonObject o && o.TryGetPropertyValue(name, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static string? Roles(JsonNode b)
        => b is JsonObject o && o["roles"] is JsonArray roles ? string.Join(", ", roles.OfType<JsonValue>().Select(r => r.TryGetValue<string>(out var s) ? s : "?")) : null;
}

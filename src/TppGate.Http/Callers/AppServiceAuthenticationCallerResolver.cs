using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TppGate.Http.Callers;

/// <summary>
/// Reads <c>X-MS-CLIENT-PRINCIPAL</c>, which App Service Authentication writes after validating the caller's
/// Entra token (and strips from incoming requests). Trust it only behind App Service Authentication.
/// </summary>
public sealed class AppServiceAuthenticationCallerResolver : ICallerResolver
{
    /// <summary>The header App Service Authentication writes.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    private const int MaxHeaderLength = 32 * 1024;
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <inheritdoc />
    public Caller? Resolve(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers[PrincipalHeader];
        if (value.Count != 1 || string.IsNullOrEmpty(value[0]) || value[0]!.Length > MaxHeaderLength)
        {
            return null;
        }

        try
        {
            var json = Convert.FromBase64String(value[0]!);
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var roleType = root.TryGetProperty("role_typ", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : "roles";
            var nameType = root.TryGetProperty("name_typ", out var nt) && nt.ValueKind == JsonValueKind.String ? nt.GetString() : "name";
            var roles = new HashSet<string>(StringComparer.Ordinal);
            string? name = null;
            string? objectId = null;
            if (root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array)
            {
                foreach (var claim in claims.EnumerateArray())
                {
                    if (claim.ValueKind != JsonValueKind.Object
                        || !claim.TryGetProperty("typ", out var t) || t.ValueKind != JsonValueKind.String
                        || !claim.TryGetProperty("val", out var v) || v.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    var type = t.GetString();
                    var val = v.GetString()!;
                    if (type == roleType || type == "roles")
                    {
                        roles.Add(val);
                    }
                    else if (type == nameType || type == "preferred_username")
                    {
                        name ??= val;
                    }
                    else if (type is ObjectIdClaim or "oid")
                    {
                        objectId = val;
                    }
                }
            }

            return new Caller(name ?? objectId ?? "unknown", objectId, roles);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}

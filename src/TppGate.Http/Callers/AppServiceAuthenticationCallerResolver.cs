using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace TppGate.Http.Callers;

/// <summary>
/// Reads <c>X-MS-CLIENT-PRINCIPAL</c>, which App Service Authentication writes after validating the caller's
/// Entra token (and strips from incoming requests). Believed only when <see cref="AppServiceAuthenticationOptions"/>
/// says the platform authenticated the caller and only for a principal whose <c>aud</c> is the admin application;
/// otherwise nobody is authenticated (decision 0006).
/// </summary>
/// <param name="options">Whether App Service Authentication is on, and the admin application's audience.</param>
public sealed class AppServiceAuthenticationCallerResolver(IOptions<AppServiceAuthenticationOptions> options) : ICallerResolver
{
    private readonly AppServiceAuthenticationOptions _options = options?.Value ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The header App Service Authentication writes.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The claim naming the application the token was issued for.</summary>
    public const string AudienceClaim = "aud";

    private const int MaxHeaderLength = 32 * 1024;
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <inheritdoc />
    public bool IsConfigured => _options.IsConfigured;

    /// <inheritdoc />
    public Caller? Resolve(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_options.IsConfigured)
        {
            return null;
        }

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
            var forAdminApplication = false;
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
                    else if (type == AudienceClaim && string.Equals(val, _options.Audience!.Trim(), StringComparison.OrdinalIgnoreCase))
                    {
                        forAdminApplication = true;
                    }
                }
            }

            return forAdminApplication ? new Caller(name ?? objectId ?? "unknown", objectId, roles) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}

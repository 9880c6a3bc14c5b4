using System.Collections.Frozen;

namespace TppGate.Core.Authorization;

/// <summary>
/// The built-in map from Berlin Group NextGenPSD2 service names (X-Tpp-Api, as the APIM policy names them from
/// the path segment after the version) to the PSD2 roles that may call them. <c>Authorizer:ApiRoles</c>
/// replaces an entry or adds one.
/// </summary>
public static class BerlinGroupApiRoles
{
    /// <summary>The OAuth token endpoint's API name: any PSD2 role may ask for a token.</summary>
    public const string Token = "token";

    /// <summary>The built-in map.</summary>
    public static readonly FrozenDictionary<string, string[]> Map = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["accounts"] = ["PSP_AI"],
        ["card-accounts"] = ["PSP_AI"],
        ["consents"] = ["PSP_AI"],
        ["payments"] = ["PSP_PI"],
        ["bulk-payments"] = ["PSP_PI"],
        ["periodic-payments"] = ["PSP_PI"],
        ["signing-baskets"] = ["PSP_PI"],
        ["funds-confirmations"] = ["PSP_IC"],
        [Token] = ["PSP_AI", "PSP_PI", "PSP_IC"],
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The effective map: the built-in entries, each replaced by a configured entry of the same name.</summary>
    public static FrozenDictionary<string, string[]> With(IReadOnlyDictionary<string, string[]> configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        var merged = new Dictionary<string, string[]>(Map, StringComparer.OrdinalIgnoreCase);
        foreach (var (api, roles) in configured)
        {
            merged[api] = roles;
        }

        return merged.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}

namespace TppGate.Http.Callers;

/// <summary>
/// When <c>X-MS-CLIENT-PRINCIPAL</c> may be believed (decision 0006): only when App Service Authentication is on
/// (the platform sets <c>WEBSITE_AUTH_ENABLED=True</c>; it then strips any incoming copy of the header) and the
/// principal's <c>aud</c> is the admin application (<c>Admin:Audience</c>).
/// </summary>
public sealed class AppServiceAuthenticationOptions
{
    /// <summary>The variable App Service sets when App Service Authentication is enabled.</summary>
    public const string PlatformVariable = "WEBSITE_AUTH_ENABLED";

    /// <summary>The setting naming the admin application: its client id or App ID URI.</summary>
    public const string AudienceKey = "Admin:Audience";

    /// <summary>True when the platform said App Service Authentication is on (<c>WEBSITE_AUTH_ENABLED</c> is <c>True</c>).</summary>
    public bool PlatformAuthenticationEnabled { get; set; }

    /// <summary>The admin application's client id or App ID URI; a principal's <c>aud</c> claim must equal it.</summary>
    public string? Audience { get; set; }

    /// <summary>True when both are set: only then is a principal header believed.</summary>
    public bool IsConfigured => PlatformAuthenticationEnabled && !string.IsNullOrWhiteSpace(Audience);

    /// <summary>Reads the platform variable's value: <c>True</c> in any case is on, anything else is off.</summary>
    public static bool IsEnabled(string? platformValue) => string.Equals(platformValue?.Trim(), "True", StringComparison.OrdinalIgnoreCase);
}

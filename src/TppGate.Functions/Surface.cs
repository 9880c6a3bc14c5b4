using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TppGate.Http.Results;

namespace TppGate.Functions;

/// <summary>Which of the two apps deployed from this one package an instance is (decision 0007).</summary>
public enum FunctionSurface
{
    /// <summary>The authorizer app: <c>/api/authorize</c> and <c>/api/health</c>, client certificates required.</summary>
    Authorizer = 1,

    /// <summary>The admin app: the admin API and <c>/api/health</c>, behind App Service Authentication.</summary>
    Admin = 2,
}

/// <summary>The <c>TppGate</c> section: <c>TppGate:Surface</c> (app setting <c>TppGate__Surface</c>), required.</summary>
public sealed class SurfaceOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TppGate";

    /// <summary><c>Authorizer</c> or <c>Admin</c>; no default, the app refuses to start without it.</summary>
    public string? Surface { get; set; }

    /// <summary>The parsed surface, or null when the setting is missing or not one of the two names.</summary>
    public FunctionSurface? Parsed =>
        Surface?.Trim() is { Length: > 0 } name && !char.IsAsciiDigit(name[0]) && !name.Contains(',', StringComparison.Ordinal)
            && Enum.TryParse<FunctionSurface>(name, ignoreCase: true, out var surface) && Enum.IsDefined(surface)
            ? surface
            : null;
}

/// <summary>
/// Answers 404 <c>NOT_FOUND</c> for a function of the other surface, even if the platform invokes it (Bicep also
/// disables those functions with <c>AzureWebJobs.&lt;Function&gt;.Disabled</c>).
/// </summary>
public sealed class SurfaceGate(IOptions<SurfaceOptions> options)
{
    private readonly FunctionSurface? _surface = options.Value.Parsed;

    /// <summary>This instance's surface.</summary>
    public FunctionSurface? Surface => _surface;

    /// <summary>Whether this instance serves <paramref name="surface"/> (timer functions run only where it does).</summary>
    public bool Serves(FunctionSurface surface) => _surface == surface;

    /// <summary>Null when this instance serves <paramref name="surface"/>; else the 404 problem to answer.</summary>
    public IActionResult? Refusal(HttpRequest request, FunctionSurface surface)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _surface == surface ? null : TppGateResult.Problem(request.HttpContext, 404, "NOT_FOUND", "No such function on this app.");
    }
}

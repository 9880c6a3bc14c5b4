using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Admin;

namespace TppGate.Functions.Functions;

/// <summary>Active bindings whose certificate expires within N days (TppGate.Reader).</summary>
public sealed class ExpiringBindings(AdminHandlers handlers, SurfaceGate surface)
{
    [Function(nameof(ExpiringBindings))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bindings")] HttpRequest request)
        => surface.Refusal(request, FunctionSurface.Admin) ?? await handlers.ExpiringAsync(request.HttpContext);
}

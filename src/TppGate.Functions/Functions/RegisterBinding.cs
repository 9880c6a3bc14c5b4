using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Admin;

namespace TppGate.Functions.Functions;

/// <summary>Registers a certificate for a client (TppGate.Admin).</summary>
public sealed class RegisterBinding(AdminHandlers handlers, SurfaceGate surface)
{
    [Function(nameof(RegisterBinding))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bindings")] HttpRequest request)
        => surface.Refusal(request, FunctionSurface.Admin) ?? await handlers.RegisterAsync(request.HttpContext);
}

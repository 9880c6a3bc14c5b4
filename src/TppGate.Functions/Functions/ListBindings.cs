using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Admin;

namespace TppGate.Functions.Functions;

/// <summary>Lists a client's bindings (TppGate.Reader).</summary>
public sealed class ListBindings(AdminHandlers handlers, SurfaceGate surface)
{
    [Function(nameof(ListBindings))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bindings/{clientId}")] HttpRequest request, string clientId)
        => surface.Refusal(request, FunctionSurface.Admin) ?? await handlers.ListAsync(request.HttpContext, clientId);
}

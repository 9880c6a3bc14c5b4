using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Authorize;

namespace TppGate.Functions.Functions;

/// <summary>The authorizer: is the TPP's certificate bound to this client_id, trusted, and allowed this API?</summary>
public sealed class Authorize(AuthorizeHandler handler, SurfaceGate surface)
{
    [Function(nameof(Authorize))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "authorize")] HttpRequest request)
        => surface.Refusal(request, FunctionSurface.Authorizer) ?? await handler.HandleAsync(request.HttpContext);
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Admin;

namespace TppGate.Functions.Functions;

/// <summary>Changes an active binding's activation window or note, audited (TppGate.Admin; decision 0014).</summary>
public sealed class UpdateBinding(AdminHandlers handlers, SurfaceGate surface)
{
    [Function(nameof(UpdateBinding))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "bindings/{clientId}/{thumbprint}")] HttpRequest request, string clientId, string thumbprint)
        => surface.Refusal(request, FunctionSurface.Admin) ?? await handlers.UpdateAsync(request.HttpContext, clientId, thumbprint);
}

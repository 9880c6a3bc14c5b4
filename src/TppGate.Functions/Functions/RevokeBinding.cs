using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Admin;

namespace TppGate.Functions.Functions;

/// <summary>Revokes a binding; the certificate is blocked for good (TppGate.Admin).</summary>
public sealed class RevokeBinding(AdminHandlers handlers, SurfaceGate surface)
{
    [Function(nameof(RevokeBinding))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bindings/{clientId}/{thumbprint}/revoke")] HttpRequest request, string clientId, string thumbprint)
        => surface.Refusal(request, FunctionSurface.Admin) ?? await handlers.RevokeAsync(request.HttpContext, clientId, thumbprint);
}

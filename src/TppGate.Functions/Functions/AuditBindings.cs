using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Admin;

namespace TppGate.Functions.Functions;

/// <summary>A client's audit trail (TppGate.Reader).</summary>
public sealed class AuditBindings(AdminHandlers handlers, SurfaceGate surface)
{
    [Function(nameof(AuditBindings))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bindings/{clientId}/audit")] HttpRequest request, string clientId)
        => surface.Refusal(request, FunctionSurface.Admin) ?? await handlers.AuditAsync(request.HttpContext, clientId);
}

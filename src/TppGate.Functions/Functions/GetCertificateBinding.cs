using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Admin;

namespace TppGate.Functions.Functions;

/// <summary>Finds the binding of a certificate by thumbprint, hex or x5t#S256 (TppGate.Reader).</summary>
public sealed class GetCertificateBinding(AdminHandlers handlers, SurfaceGate surface)
{
    [Function(nameof(GetCertificateBinding))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "certificates/{thumbprint}")] HttpRequest request, string thumbprint)
        => surface.Refusal(request, FunctionSurface.Admin) ?? await handlers.GetByCertificateAsync(request.HttpContext, thumbprint);
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TppGate.Http.Hosting;

namespace TppGate.Functions.Functions;

/// <summary>Healthy or unhealthy (503 until the instance can decide); anchor and feed details for readers. Both surfaces.</summary>
public sealed class Health(HealthHandler handler)
{
    [Function(nameof(Health))]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
        => handler.Handle(request.HttpContext);
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TppGate.Http.Admin;
using TppGate.Http.Authorize;

namespace TppGate.Http.Hosting;

/// <summary>Maps TppGate's routes for minimal-API hosts (the Functions app maps them with one class per function).</summary>
public static class TppGateEndpoints
{
    /// <summary>Maps <c>/api/authorize</c> (GET and POST) and <c>/api/health</c>.</summary>
    public static IEndpointRouteBuilder MapTppGateAuthorizer(this IEndpointRouteBuilder app)
    {
        // The handler is a singleton: taken once from the root provider, so a warm request opens no DI scope (issue 12).
        AuthorizeHandler? handler = null;
        app.MapMethods("/api/authorize", ["GET", "POST"], async context =>
        {
            var result = await (handler ??= app.ServiceProvider.GetRequiredService<AuthorizeHandler>()).HandleAsync(context);
            await result.ExecuteAsync(context);
        });
        app.MapGet("/api/health", (HttpContext context, HealthHandler handler) => handler.Handle(context));
        return app;
    }

    /// <summary>Maps the admin API under <c>/api/bindings</c> and <c>/api/certificates</c>, and <c>/api/health</c> (details for readers).</summary>
    public static IEndpointRouteBuilder MapTppGateAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", (HttpContext context, HealthHandler handler) => handler.Handle(context));
        app.MapPost("/api/bindings", (HttpContext c, AdminHandlers h) => h.RegisterAsync(c));
        app.MapGet("/api/bindings", (HttpContext c, AdminHandlers h) => h.ExpiringAsync(c));
        app.MapGet("/api/bindings/{clientId}", (HttpContext c, string clientId, AdminHandlers h) => h.ListAsync(c, clientId));
        app.MapGet("/api/bindings/{clientId}/audit", (HttpContext c, string clientId, AdminHandlers h) => h.AuditAsync(c, clientId));
        app.MapPost("/api/bindings/{clientId}/{thumbprint}/revoke", (HttpContext c, string clientId, string thumbprint, AdminHandlers h) => h.RevokeAsync(c, clientId, thumbprint));
        app.MapPatch("/api/bindings/{clientId}/{thumbprint}", (HttpContext c, string clientId, string thumbprint, AdminHandlers h) => h.UpdateAsync(c, clientId, thumbprint));
        app.MapGet("/api/certificates/{thumbprint}", (HttpContext c, string thumbprint, AdminHandlers h) => h.GetByCertificateAsync(c, thumbprint));
        return app;
    }
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace TppGate.LocalHost.Hosting;

/// <summary>
/// Does locally what App Service's front end does: drops any client-supplied <c>X-ARR-ClientCert</c> and
/// <c>X-MS-CLIENT-PRINCIPAL*</c> headers, then writes the TLS handshake's client certificate into
/// <c>X-ARR-ClientCert</c> as bare base64 DER.
/// </summary>
public sealed class AppServiceFrontEndMiddleware(RequestDelegate next)
{
    // The base64 DER of each connection's certificate object, encoded once per connection rather than on every
    // keep-alive request (issue 12). Keyed on the object the TLS handshake produced, never on anything the client
    // sends, and the value is a pure function of that object's bytes; entries go with the connection.
    private readonly ConditionalWeakTable<X509Certificate2, string> _encoded = new();

    /// <summary>Rewrites the headers and calls the next middleware.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        headers.Remove("X-ARR-ClientCert");
        List<string>? principalHeaders = null;
        foreach (var header in headers)
        {
            if (header.Key.StartsWith("X-MS-CLIENT-PRINCIPAL", StringComparison.OrdinalIgnoreCase))
            {
                (principalHeaders ??= []).Add(header.Key);
            }
        }

        foreach (var name in principalHeaders ?? [])
        {
            headers.Remove(name);
        }

        if (context.Connection.ClientCertificate is { } certificate)
        {
            headers["X-ARR-ClientCert"] = _encoded.GetValue(certificate, static c => Convert.ToBase64String(c.RawDataMemory.Span));
        }

        return next(context);
    }
}

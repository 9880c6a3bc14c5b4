using Microsoft.AspNetCore.Http;

namespace TppGate.LocalHost.Hosting;

/// <summary>
/// Does locally what App Service's front end does: drops any client-supplied <c>X-ARR-ClientCert</c> and
/// <c>X-MS-CLIENT-PRINCIPAL*</c> headers, then writes the TLS handshake's client certificate into
/// <c>X-ARR-ClientCert</c> as bare base64 DER.
/// </summary>
public sealed class AppServiceFrontEndMiddleware(RequestDelegate next)
{
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
            headers["X-ARR-ClientCert"] = Convert.ToBase64String(certificate.RawData);
        }

        return next(context);
    }
}

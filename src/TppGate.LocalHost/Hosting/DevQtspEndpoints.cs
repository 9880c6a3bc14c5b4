using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TppGate.Http.Hosting;
using TppGate.LocalHost.Pki;

namespace TppGate.LocalHost.Hosting;

/// <summary>
/// The dev QTSP of the local run: its CRL at the sample QWAC's distribution point (plain HTTP on
/// <see cref="LocalHostOptions.CrlPort"/>), and, on the admin port with the admin key, a way to make it revoke the
/// sample QWAC, so the README flow shows a QTSP revocation (401 CERTIFICATE_REVOKED) beside a binding revocation.
/// </summary>
public static class DevQtspEndpoints
{
    /// <summary>The CRL's path on the CRL port.</summary>
    public const string CrlPath = "/crl/dev-issuing-ca.crl";

    /// <summary>The admin-port path that makes the dev QTSP revoke the sample QWAC.</summary>
    public const string RevokeSamplePath = "/local/qtsp/revoke-sample";

    /// <summary>Maps both routes.</summary>
    public static void Map(WebApplication app, DevPki pki, string adminKey, LocalHostOptions local)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(pki);
        ArgumentNullException.ThrowIfNull(local);
        var key = Encoding.UTF8.GetBytes(adminKey);
        app.OnLocalPort(local.CrlPort).MapGet(CrlPath, () => Results.File(File.ReadAllBytes(pki.CrlPath), "application/pkix-crl"));
        app.OnLocalPort(local.AdminPort).MapPost(RevokeSamplePath, async (HttpContext context) =>
        {
            var presented = Encoding.UTF8.GetBytes(context.Request.Headers["X-Admin-Key"].ToString());
            if (!CryptographicOperations.FixedTimeEquals(presented, key))
            {
                return Results.Problem(statusCode: 401, extensions: new Dictionary<string, object?> { ["code"] = "UNAUTHENTICATED", ["traceId"] = context.TraceIdentifier });
            }

            pki.PublishCrl(DateTimeOffset.UtcNow, revokeSample: true);

            // Fetch the new CRL now rather than at the next refresh, so the next call already sees it.
            var refresher = context.RequestServices.GetServices<IHostedService>().OfType<CrlRefresherService>().Single();
            await refresher.RefreshOnceAsync(context.RequestAborted);
            return Results.Json(new { revoked = "sample-tpp QWAC", crl = pki.CrlUrl });
        });
    }
}

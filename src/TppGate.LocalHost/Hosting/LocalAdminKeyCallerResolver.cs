using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using TppGate.Http.Callers;

namespace TppGate.LocalHost.Hosting;

/// <summary>
/// The local host's stand-in for App Service Authentication: on the admin port, an <c>X-Admin-Key</c> equal to
/// the configured key makes the caller TppGate.Admin. Nothing else authenticates anybody.
/// </summary>
public sealed class LocalAdminKeyCallerResolver(byte[] adminKey, int adminPort) : ICallerResolver
{
    /// <summary>The header carrying the key.</summary>
    public const string HeaderName = "X-Admin-Key";

    private static readonly IReadOnlySet<string> AdminRoles = new HashSet<string>(StringComparer.Ordinal) { Caller.AdminRole };

    /// <inheritdoc />
    public Caller? Resolve(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Connection.LocalPort != adminPort)
        {
            return null;
        }

        var values = request.Headers[HeaderName];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]) || values[0]!.Length > 256)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(values[0]!), adminKey)
            ? new Caller("local-admin", null, AdminRoles)
            : null;
    }
}

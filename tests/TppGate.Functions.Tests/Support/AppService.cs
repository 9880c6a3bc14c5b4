using System.Text;
using System.Text.Json;
using TppGate.Pki;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests.Support;

/// <summary>App Service's side of the deployment, simulated: app settings, platform variables and the headers its front end writes.</summary>
public static class AppService
{
    /// <summary>The admin app registration's client id the tests configure as <c>Admin:Audience</c>.</summary>
    public const string AdminAudience = "api://tppgate-admin-tests";

    private static readonly Lazy<string> AnchorsFile = new(() =>
    {
        var catalogue = CertificateCatalogue.Shared;
        var path = Path.Combine(Directory.CreateTempSubdirectory("tppgate-functions-").FullName, "anchors.pem");
        File.WriteAllText(path, PkiExport.CertificatesPem([catalogue.Root.Certificate, catalogue.IssuingCa.Certificate, catalogue.RsaIssuingCa.Certificate]));
        return path;
    });

    /// <summary>
    /// The app settings of a deployed app with App Service Authentication on: Azurite as the binding store (a
    /// table of its own), the test catalogue's QTSP anchors from a file, the Berlin Group role map.
    /// </summary>
    public static Dictionary<string, string?> Settings(AzuriteInstance azurite, string surface = "Admin")
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return new Dictionary<string, string?>
        {
            // What the Functions host hands its worker; the gRPC channel itself is never opened here.
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9",
            ["Functions:Worker:WorkerId"] = Guid.NewGuid().ToString(),
            ["Functions:Worker:RequestId"] = Guid.NewGuid().ToString(),
            ["Functions:Worker:GrpcMaxMessageLength"] = "2147483647",
            ["WEBSITE_AUTH_ENABLED"] = "True",
            ["Admin:Audience"] = AdminAudience,
            ["TppGate:Surface"] = surface,
            ["Bindings:ConnectionString"] = azurite.ConnectionString,
            ["Bindings:TableName"] = AzuriteInstance.NewTableName("fn"),
            ["TrustAnchors:Path"] = AnchorsFile.Value,
            ["Authorizer:ApiRoles:accounts:0"] = "PSP_AI",
            ["Authorizer:ApiRoles:payments:0"] = "PSP_PI",
            ["Logging:LogLevel:Default"] = "Warning",
        };
    }

    /// <summary>
    /// <paramref name="settings"/> with the binding store pointed at a loopback port nothing listens on (connections
    /// are refused at once) and no retries on the admin client: every storage call fails.
    /// </summary>
    public static Dictionary<string, string?> WithUnreachableStorage(Dictionary<string, string?> settings, AzuriteInstance azurite)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(azurite);
        var closedPort = TppGate.Testing.Network.RefusingPort.Reserve();
        return new Dictionary<string, string?>(settings)
        {
            ["Bindings:ConnectionString"] = azurite.ConnectionString.Replace(azurite.TableEndpoint.Authority, $"127.0.0.1:{closedPort}", StringComparison.Ordinal),
            ["Bindings:AdminMaxRetries"] = "0",
        };
    }

    /// <summary>The <c>X-MS-CLIENT-PRINCIPAL</c> App Service Authentication writes for an Entra caller.</summary>
    public static KeyValuePair<string, string> Principal(string? role, string? audience = AdminAudience, string objectId = "7d1e0c4b-0000-4000-8000-00000000a11c")
    {
        var claims = new List<object>
        {
            new { typ = "name", val = "ops@bank.example" },
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = objectId },
        };
        if (audience is not null)
        {
            claims.Add(new { typ = "aud", val = audience });
        }

        if (role is not null)
        {
            claims.Add(new { typ = "roles", val = role });
        }

        var json = JsonSerializer.Serialize(new { auth_typ = "aad", name_typ = "name", role_typ = "roles", claims });
        return new("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>The header App Service's front end writes with the TLS handshake's client certificate.</summary>
    public static KeyValuePair<string, string> ClientCertificate(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new("X-ARR-ClientCert", Convert.ToBase64String(certificate.RawData));
    }
}

using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TppGate.LocalHost.Tests.Support;

/// <summary>
/// A real OpenID authority on loopback HTTPS: <c>/tenant/.well-known/openid-configuration</c> and a JWKS holding
/// one RSA and one EC P-256 key, with a TLS certificate made here (pinned by <see cref="MetadataHandler"/>).
/// Tokens are signed in the test with Microsoft.IdentityModel.
/// </summary>
public sealed class TokenAuthority : IAsyncDisposable
{
    public const string Audience = "api://tppgate-tests";

    private readonly WebApplication _app;
    private readonly byte[] _tlsCertificate;
    private int _requests;

    private TokenAuthority(WebApplication app, byte[] tlsCertificate, string issuer)
    {
        _app = app;
        _tlsCertificate = tlsCertificate;
        Issuer = issuer;
    }

    public static RsaSecurityKey RsaKey { get; } = new(RSA.Create(2048)) { KeyId = "rsa-1" };

    public static ECDsaSecurityKey EcKey { get; } = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };

    /// <summary>A key the authority never published.</summary>
    public static RsaSecurityKey RogueKey { get; } = new(RSA.Create(2048)) { KeyId = "rogue-1" };

    /// <summary>The issuer URL, the authorizer's Authorizer:Tokens:Authority.</summary>
    public string Issuer { get; }

    /// <summary>How many metadata and JWKS requests were served.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<TokenAuthority> StartAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=token-authority.test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var tls = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(tls)));
        var app = builder.Build();
        TokenAuthority? authority = null;
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref authority!._requests);
            await next(context);
        });
        app.MapGet("/tenant/.well-known/openid-configuration", () => Results.Text(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = authority!.Issuer, ["jwks_uri"] = authority.Issuer + "/keys" }), "application/json"));
        app.MapGet("/tenant/keys", () => Results.Text(Jwks(), "application/json"));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        authority = new TokenAuthority(app, tls.RawData, $"https://127.0.0.1:{address.Port}/tenant");
        return authority;
    }

    /// <summary>The handler the authorizer reads metadata with: trusts exactly this authority's TLS certificate.</summary>
    public HttpMessageHandler MetadataHandler() => new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(_tlsCertificate),
        },
    };

    /// <summary>A signed token; each part can be made wrong.</summary>
    public string Sign(string? clientId, string? x5tS256, SecurityKey? key = null, string? algorithm = null, string? issuer = null, string? audience = null, TimeSpan? expiresIn = null, string clientClaim = "client_id")
    {
        key ??= RsaKey;
        algorithm ??= key is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256;
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(10));
        var claims = new Dictionary<string, object>();
        if (clientId is not null)
        {
            claims[clientClaim] = clientId;
        }

        if (x5tS256 is not null)
        {
            claims["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = x5tS256 };
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            IssuedAt = expires.AddMinutes(-20),
            NotBefore = expires.AddMinutes(-20),
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>An unsigned token (alg none) with correct issuer, audience, lifetime, client and cnf.</summary>
    public string Unsigned(string clientId, string x5tS256)
    {
        static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var payload = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["exp"] = exp,
            ["nbf"] = exp - 1200,
            ["client_id"] = clientId,
            ["cnf"] = new Dictionary<string, string> { ["x5t#S256"] = x5tS256 },
        };
        return Part(new Dictionary<string, string> { ["alg"] = "none", ["typ"] = "JWT" }) + "." + Part(payload) + ".";
    }

    private static string Jwks()
    {
        var rsa = RsaKey.Rsa.ExportParameters(false);
        var ec = EcKey.ECDsa.ExportParameters(false);
        var keys = new object[]
        {
            new Dictionary<string, string> { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = RsaKey.KeyId, ["n"] = Base64UrlEncoder.Encode(rsa.Modulus), ["e"] = Base64UrlEncoder.Encode(rsa.Exponent) },
            new Dictionary<string, string> { ["kty"] = "EC", ["use"] = "sig", ["kid"] = EcKey.KeyId, ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(ec.Q.X), ["y"] = Base64UrlEncoder.Encode(ec.Q.Y) },
        };
        return JsonSerializer.Serialize(new Dictionary<string, object[]> { ["keys"] = keys });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

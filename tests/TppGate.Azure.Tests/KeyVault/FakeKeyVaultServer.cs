using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Certificates;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TppGate.Azure.KeyVault;

namespace TppGate.Azure.Tests.KeyVault;

/// <summary>
/// A local test double of the Key Vault REST API, speaking the subset the adapters use: secrets (list secret
/// properties with paging, get a secret; for the trusted-list writer: set a secret, list a secret's versions, update a
/// version's properties, and 403 on reading a disabled secret), certificates (get the current version, list versions,
/// get a version) and the bearer challenge; not an emulator. It serves HTTPS on 127.0.0.1 with
/// its own self-signed certificate for <see cref="VaultHost"/>; <see cref="CreateClient"/> connects every request
/// for that host to the loopback port and trusts that certificate only, so the SDK's challenge-resource check runs
/// unchanged.
/// </summary>
public sealed class FakeKeyVaultServer : IAsyncDisposable
{
    /// <summary>
    /// A vault host name under the public Key Vault domain, so the challenge resource matches it; unique per double
    /// because the SDK caches challenges per host for the whole process.
    /// </summary>
    public string VaultHost { get; } = $"tppgate-{Guid.NewGuid():N}"[..24] + ".vault.azure.net";

    /// <summary>The token the double accepts; <see cref="StaticTokenCredential"/> hands it out.</summary>
    public const string AcceptedToken = "test-token-for-the-local-double";

    private readonly ConcurrentDictionary<string, FakeSecret> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ImmutableVersions> _certificates = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly X509Certificate2 _tlsCertificate;
    private readonly WebApplication _app;
    private int _challenges;
    private volatile FakeFault? _fault;

    private FakeKeyVaultServer()
    {
        _tlsCertificate = CreateTlsCertificate(VaultHost);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(_tlsCertificate)));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The loopback port the double listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The vault URI clients use.</summary>
    public Uri VaultUri => new($"https://{VaultHost}/");

    /// <summary>How many secrets a list page holds, so paging with nextLink is exercised.</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>401 challenges answered so far.</summary>
    public int ChallengeCount => Volatile.Read(ref _challenges);

    /// <summary>Every authenticated request received, as "METHOD /path", in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Starts the double on a free loopback port.</summary>
    public static async Task<FakeKeyVaultServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new FakeKeyVaultServer();
        await server._app.StartAsync(cancellationToken);
        var address = server._app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Port = new Uri(address).Port;
        return server;
    }

    /// <summary>Adds or replaces a secret.</summary>
    public void SetSecret(string name, string value, string? contentType = KeyVaultTrustAnchorProvider.PemContentType, IReadOnlyDictionary<string, string>? tags = null, bool enabled = true, bool managed = false) =>
        _secrets[name] = new FakeSecret(name, value, contentType, tags ?? new Dictionary<string, string>(), enabled, managed);

    /// <summary>
    /// Adds a version of a Key Vault certificate (only the public certificate matters here); the version created
    /// last is the current one, as in Key Vault. Returns the version id.
    /// </summary>
    public string AddCertificateVersion(string name, X509Certificate2 certificate, DateTimeOffset created, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var version = Guid.NewGuid().ToString("N");
        var entry = new FakeCertificateVersion(version, certificate.RawData, created, enabled, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());
        _certificates.AddOrUpdate(name, _ => new ImmutableVersions([entry]), (_, existing) => new ImmutableVersions([.. existing.Versions, entry]));
        return version;
    }

    /// <summary>Enables or disables one version of a certificate.</summary>
    public void SetCertificateVersionEnabled(string name, string version, bool enabled) =>
        _certificates.AddOrUpdate(name, _ => throw new InvalidOperationException("no such certificate"), (_, existing) =>
            new ImmutableVersions([.. existing.Versions.Select(v => v.Version == version ? v with { Enabled = enabled } : v)]));

    /// <summary>Deletes a certificate with all its versions.</summary>
    public void RemoveCertificate(string name) => _certificates.TryRemove(name, out _);

    /// <summary>What the double holds for <paramref name="name"/>, or null.</summary>
    public FakeSecretView? Find(string name)
        => _secrets.TryGetValue(name, out var s) ? new FakeSecretView(s.Name, s.Value, s.ContentType, s.Tags, s.Enabled) : null;

    /// <summary>Every secret the double holds.</summary>
    public IReadOnlyList<FakeSecretView> All => [.. _secrets.Values.Select(s => new FakeSecretView(s.Name, s.Value, s.ContentType, s.Tags, s.Enabled)).OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>Removes a secret.</summary>
    public void RemoveSecret(string name) => _secrets.TryRemove(name, out _);

    /// <summary>From now on, answers every authenticated request with <paramref name="status"/>.</summary>
    public void Fail(int status, string? retryAfterSeconds = null) => _fault = new FakeFault(status, retryAfterSeconds);

    /// <summary>Stops failing.</summary>
    public void Heal() => _fault = null;

    /// <summary>
    /// A client for the double: the given options (retries, timeouts) with a transport that dials the loopback port
    /// for <see cref="VaultHost"/> and accepts only the double's own TLS certificate.
    /// </summary>
    public SecretClient CreateClient(StaticTokenCredential credential, SecretClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Transport = Transport();
        return new SecretClient(VaultUri, credential, options);
    }

    /// <summary>A certificate client for the double, as <see cref="CreateClient"/>.</summary>
    public CertificateClient CreateCertificateClient(StaticTokenCredential credential, CertificateClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Transport = Transport();
        return new CertificateClient(VaultUri, credential, options);
    }

    private HttpClientTransport Transport()
    {
        var port = Port;
        var pinned = _tlsCertificate.RawData;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                // Pinned to this double's certificate: nothing else on loopback is trusted.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned),
            },
        };
        return new HttpClientTransport(handler);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _tlsCertificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization != "Bearer " + AcceptedToken)
        {
            Interlocked.Increment(ref _challenges);
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate =
                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001\", resource=\"https://vault.azure.net\"";
            await WriteErrorAsync(context, "Unauthorized", "Request is missing a Bearer or PoP token.");
            return;
        }

        _requests.Enqueue($"{request.Method} {request.Path}");

        if (_fault is { } fault)
        {
            context.Response.StatusCode = fault.Status;
            if (fault.RetryAfterSeconds is not null)
            {
                context.Response.Headers.RetryAfter = fault.RetryAfterSeconds;
            }

            await WriteErrorAsync(context, fault.Status == 429 ? "Throttled" : "ServiceUnavailable", "Injected fault.");
            return;
        }

        var segments = request.Path.Value!.Trim('/').Split('/');
        if (request.Method == HttpMethods.Get && segments is ["secrets"])
        {
            await WriteListPageAsync(context);
            return;
        }

        if (request.Method == HttpMethods.Put && segments is ["secrets", var putName])
        {
            var put = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var tags = put["tags"] is JsonObject t ? t.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>()) : new Dictionary<string, string>();
            var enabled = put["attributes"]?["enabled"]?.GetValue<bool>() ?? true;
            var created = new FakeSecret(putName, put["value"]!.GetValue<string>(), put["contentType"]?.GetValue<string>(), tags, enabled, false);
            _secrets[putName] = created;
            var reply = Describe(created);
            reply["value"] = created.Value;
            reply["id"] = $"{VaultUri.AbsoluteUri}secrets/{putName}/{Version}";
            await WriteJsonAsync(context, reply);
            return;
        }

        if (request.Method == HttpMethods.Get && segments is ["secrets", var versionsOf, "versions"] && _secrets.TryGetValue(versionsOf, out var versioned))
        {
            var item = Describe(versioned);
            item["id"] = $"{VaultUri.AbsoluteUri}secrets/{versionsOf}/{Version}";
            await WriteJsonAsync(context, new JsonObject { ["value"] = new JsonArray(item), ["nextLink"] = null });
            return;
        }

        if (request.Method == HttpMethods.Patch && segments is ["secrets", var patchName, Version] && _secrets.TryGetValue(patchName, out var patched))
        {
            var patch = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var updated = patched with
            {
                Enabled = patch["attributes"]?["enabled"]?.GetValue<bool>() ?? patched.Enabled,
                ContentType = patch["contentType"]?.GetValue<string>() ?? patched.ContentType,
                Tags = patch["tags"] is JsonObject pt ? pt.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>()) : patched.Tags,
            };
            _secrets[patchName] = updated;
            var reply = Describe(updated);
            reply["id"] = $"{VaultUri.AbsoluteUri}secrets/{patchName}/{Version}";
            await WriteJsonAsync(context, reply);
            return;
        }

        if (request.Method == HttpMethods.Get && segments is ["secrets", var disabledName, ..] && _secrets.TryGetValue(disabledName, out var off) && !off.Enabled)
        {
            context.Response.StatusCode = 403;
            await WriteErrorAsync(context, "Forbidden", "Operation get is not allowed on a disabled secret.");
            return;
        }

        if (request.Method == HttpMethods.Get && segments is ["secrets", var name, ..] && _secrets.TryGetValue(name, out var secret))
        {
            var body = Describe(secret);
            body["value"] = secret.Value;
            body["id"] = $"{VaultUri.AbsoluteUri}secrets/{secret.Name}/0123456789abcdef0123456789abcdef";
            await WriteJsonAsync(context, body);
            return;
        }

        if (request.Method == HttpMethods.Get && segments is ["certificates", var certificateName, ..] && await TryCertificateAsync(context, certificateName, segments.Length > 2 ? segments[2] : null))
        {
            return;
        }

        context.Response.StatusCode = 404;
        await WriteErrorAsync(context, segments is ["certificates", ..] ? "CertificateNotFound" : "SecretNotFound", "Not found.");
    }

    private async Task<bool> TryCertificateAsync(HttpContext context, string name, string? versionOrList)
    {
        if (!_certificates.TryGetValue(name, out var versions) || versions.Versions.Length == 0)
        {
            return false;
        }

        if (versionOrList == "versions")
        {
            var list = new JsonArray();
            foreach (var version in versions.Versions)
            {
                list.Add(DescribeCertificate(name, version, withCer: false));
            }

            await WriteJsonAsync(context, new JsonObject { ["value"] = list, ["nextLink"] = null });
            return true;
        }

        var chosen = string.IsNullOrEmpty(versionOrList)
            ? versions.Versions.MaxBy(v => v.Created)
            : versions.Versions.FirstOrDefault(v => v.Version == versionOrList);
        if (chosen is null)
        {
            return false;
        }

        await WriteJsonAsync(context, DescribeCertificate(name, chosen, withCer: true));
        return true;
    }

    private JsonObject DescribeCertificate(string name, FakeCertificateVersion version, bool withCer)
    {
        var body = new JsonObject
        {
            ["id"] = $"{VaultUri.AbsoluteUri}certificates/{name}/{version.Version}",
            ["x5t"] = Convert.ToBase64String(SHA1.HashData(version.Der)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            ["attributes"] = new JsonObject
            {
                ["enabled"] = version.Enabled,
                ["nbf"] = version.NotBefore.ToUnixTimeSeconds(),
                ["exp"] = version.NotAfter.ToUnixTimeSeconds(),
                ["created"] = version.Created.ToUnixTimeSeconds(),
                ["updated"] = version.Created.ToUnixTimeSeconds(),
                ["recoveryLevel"] = "Recoverable",
            },
            ["tags"] = new JsonObject(),
        };
        if (withCer)
        {
            body["kid"] = $"{VaultUri.AbsoluteUri}keys/{name}/{version.Version}";
            body["sid"] = $"{VaultUri.AbsoluteUri}secrets/{name}/{version.Version}";
            body["cer"] = Convert.ToBase64String(version.Der);
        }

        return body;
    }

    private async Task WriteListPageAsync(HttpContext context)
    {
        var skip = int.TryParse(context.Request.Query["$skiptoken"], out var s) ? s : 0;
        var all = _secrets.Values.OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        var page = new JsonArray();
        foreach (var secret in all.Skip(skip).Take(PageSize))
        {
            page.Add(Describe(secret));
        }

        var body = new JsonObject { ["value"] = page };
        var next = skip + PageSize;
        body["nextLink"] = next < all.Count
            ? $"{VaultUri.AbsoluteUri}secrets?api-version={context.Request.Query["api-version"]}&$skiptoken={next}&maxresults={PageSize}"
            : null;
        await WriteJsonAsync(context, body);
    }

    private JsonObject Describe(FakeSecret secret)
    {
        var tags = new JsonObject();
        foreach (var (key, value) in secret.Tags)
        {
            tags[key] = value;
        }

        var body = new JsonObject
        {
            ["id"] = $"{VaultUri.AbsoluteUri}secrets/{secret.Name}",
            ["attributes"] = new JsonObject
            {
                ["enabled"] = secret.Enabled,
                ["created"] = 1_700_000_000,
                ["updated"] = 1_700_000_000,
                ["recoveryLevel"] = "Recoverable",
            },
            ["tags"] = tags,
        };
        if (secret.ContentType is not null)
        {
            body["contentType"] = secret.ContentType;
        }

        if (secret.Managed)
        {
            body["managed"] = true;
        }

        return body;
    }

    private static Task WriteErrorAsync(HttpContext context, string code, string message) =>
        WriteJsonAsync(context, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static async Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(JsonSerializerOptions.Default));
    }

    private static X509Certificate2 CreateTlsCertificate(string vaultHost)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + vaultHost, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(vaultHost);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        // Round-trip through PKCS#12 so the key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private const string Version = "0123456789abcdef0123456789abcdef";

    private sealed record FakeSecret(string Name, string Value, string? ContentType, IReadOnlyDictionary<string, string> Tags, bool Enabled, bool Managed);

    private sealed record FakeFault(int Status, string? RetryAfterSeconds);

    private sealed record FakeCertificateVersion(string Version, byte[] Der, DateTimeOffset Created, bool Enabled, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

    private sealed record ImmutableVersions(FakeCertificateVersion[] Versions);
}

/// <summary>What the double holds for one secret.</summary>
public sealed record FakeSecretView(string Name, string Value, string? ContentType, IReadOnlyDictionary<string, string> Tags, bool Enabled);

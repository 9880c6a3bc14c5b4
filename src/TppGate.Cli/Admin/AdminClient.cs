using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;

namespace TppGate.Cli.Admin;

/// <summary>
/// Calls the admin API over HTTPS with an admin key (local host) or an Entra token from DefaultAzureCredential
/// (deployment). Every outcome is a value: a JSON body for 2xx, else a <see cref="CommandFailure"/> carrying the
/// server's problem code and trace id, or why the server could not be reached.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private const string AdminKeyHeader = "X-Admin-Key";
    private const int MaxResponseBytes = 16 * 1024 * 1024;
    private readonly HttpClient _http;
    private readonly AdminTarget _target;
    private readonly TokenCredential? _credential;

    public AdminClient(AdminTarget target)
    {
        _target = target;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),

            // A redirect would carry the credential somewhere else; the admin API never redirects.
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (target.Authorities is { } authorities)
        {
            handler.SslOptions.CertificateChainPolicy = TrustOnly(authorities);
        }

        _http = new HttpClient(handler) { BaseAddress = target.BaseAddress, Timeout = target.Timeout, MaxResponseContentBufferSize = MaxResponseBytes };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("tppgate", typeof(AdminClient).Assembly.GetName().Version?.ToString() ?? "0"));
        if (target.AdminKey is null)
        {
            _credential = new DefaultAzureCredential();
        }
    }

    /// <summary>Sends one request; <paramref name="body"/>, when given, as JSON.</summary>
    public async Task<(AdminAnswer? Answer, CommandFailure? Failure)> SendAsync(HttpMethod method, string relativeUri, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(relativeUri, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (_target.AdminKey is { } key)
        {
            request.Headers.Add(AdminKeyHeader, key);
        }
        else
        {
            var (token, failure) = await TokenAsync(cancellationToken);
            if (failure is not null)
            {
                return (null, failure);
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, CommandFailure.Unavailable("TIMEOUT", $"{_target.BaseAddress} did not answer within {_target.Timeout.TotalSeconds:0} s"));
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            return (null, CommandFailure.Unavailable("TLS_FAILED", $"TLS with {_target.BaseAddress} failed: {ex.InnerException.Message} (for the local host's dev CA give --ca-file)"));
        }
        catch (HttpRequestException ex)
        {
            return (null, CommandFailure.Unavailable("CONNECTION_FAILED", $"cannot reach {_target.BaseAddress}: {ex.Message}"));
        }

        using (response)
        {
            return Interpret((int)response.StatusCode, response.ReasonPhrase, text);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>2xx with JSON is the answer; any other status is a failure named by the server's problem body when it has one.</summary>
    internal static (AdminAnswer? Answer, CommandFailure? Failure) Interpret(int status, string? reason, string text)
    {
        var json = ParseOrNull(text);
        if (status is >= 200 and < 300)
        {
            return json is null
                ? (null, CommandFailure.Unavailable("RESPONSE_INVALID", $"the server answered {status} without a JSON body: is the endpoint a TppGate admin API?"))
                : (new AdminAnswer(status, json), null);
        }

        var problem = json as JsonObject;
        var code = Text(problem, "code") ?? $"HTTP_{status}";
        var message = Text(problem, "title") ?? Text(problem, "detail") ?? (status == 404 ? "the server has no such resource or route" : reason ?? "no reason given");
        var exit = status == 401 || status >= 500 || status is >= 300 and < 400 ? ExitCodes.Unavailable : ExitCodes.Refused;
        return (null, new CommandFailure(exit, code, message, status, Text(problem, "traceId")));
    }

    private async Task<(string? Token, CommandFailure? Failure)> TokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            var token = await _credential!.GetTokenAsync(new TokenRequestContext([_target.Scope!]), cancellationToken);
            return (token.Token, null);
        }
        catch (AuthenticationFailedException ex)
        {
            var firstLine = ex.Message.Split('\n', 2)[0].Trim();
            return (null, CommandFailure.Unavailable("AUTHENTICATION_FAILED", $"no Entra token for {_target.Scope}: {firstLine} (sign in with az login, or run with a managed or workload identity)"));
        }
    }

    private static X509ChainPolicy TrustOnly(X509Certificate2Collection authorities)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,

            // A dev CA publishes no revocation list; the file given is the whole statement of trust.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        foreach (var certificate in authorities)
        {
            (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) ? policy.CustomTrustStore : policy.ExtraStore).Add(certificate);
        }

        return policy;
    }

    private static JsonNode? ParseOrNull(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? o, string name)
        => o is not null && o.TryGetPropertyValue(name, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>A 2xx answer of the admin API: its status (201 created, 200 otherwise) and its JSON body.</summary>
internal sealed record AdminAnswer(int Status, JsonNode Body);

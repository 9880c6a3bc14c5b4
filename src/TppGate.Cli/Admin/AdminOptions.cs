using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Cli.CommandLine;

namespace TppGate.Cli.Admin;

/// <summary>
/// The options every admin command shares: where the admin API is, how to authenticate, which CA to trust, the
/// output form. Values not given fall back to environment variables, so a key need not appear in a process list.
/// </summary>
internal sealed class AdminOptions
{
    public const string EndpointVariable = "TPPGATE_ENDPOINT";
    public const string AdminKeyVariable = "TPPGATE_ADMIN_KEY";
    public const string ScopeVariable = "TPPGATE_ADMIN_SCOPE";

    /// <summary>The options that say where and as whom; usage lines show them as one "[connection options]".</summary>
    public static readonly IReadOnlySet<string> ConnectionOptionNames = new HashSet<string>(StringComparer.Ordinal) { "--endpoint", "--admin-key", "--scope", "--ca-file", "--timeout" };

    public Option<string> Endpoint { get; } = new("--endpoint")
    {
        Description = $"the admin API, https://<admin app> or https://localhost:8444 (default: ${EndpointVariable})",
        HelpName = "url",
    };

    public Option<string> AdminKey { get; } = new("--admin-key")
    {
        Description = $"the local host's admin key, sent as X-Admin-Key; loopback endpoints only (default: ${AdminKeyVariable})",
        HelpName = "key",
    };

    public Option<string> Scope { get; } = new("--scope")
    {
        Description = $"without an admin key: the token scope of the admin app registration, e.g. api://<client id>/.default; the token comes from DefaultAzureCredential (az login, managed or workload identity) (default: ${ScopeVariable})",
        HelpName = "scope",
    };

    public Option<string> CaFile { get; } = new("--ca-file")
    {
        Description = "trust only the CA certificates in this PEM file for the server's TLS certificate (the local dev CA); default: the system's trust store",
        HelpName = "pem",
    };

    public Option<int> TimeoutSeconds { get; } = new("--timeout")
    {
        Description = "seconds to wait for the server",
        HelpName = "seconds",
        DefaultValueFactory = _ => 30,
        CustomParser = CommandLineValues.WholeNumber(1, 600, absent: 30),
    };

    public Option<bool> Json { get; } = CommandLineValues.JsonOption();

    public void AddTo(Command command)
    {
        command.Add(Endpoint);
        command.Add(AdminKey);
        command.Add(Scope);
        command.Add(CaFile);
        command.Add(TimeoutSeconds);
        command.Add(Json);
    }

    /// <summary>The target the options and environment describe, or why they do not describe one (exit 2).</summary>
    public AdminTarget? Resolve(ParseResult parse, CliContext context, out CommandFailure? failure)
    {
        failure = null;
        var endpoint = Value(parse.GetValue(Endpoint), context, EndpointVariable);
        if (endpoint is null)
        {
            failure = CommandFailure.BadInput("ENDPOINT_MISSING", $"give --endpoint or set {EndpointVariable}");
            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            failure = CommandFailure.BadInput("ENDPOINT_INVALID", $"the endpoint must be an https:// URL without query, fragment or user info (got '{endpoint}')");
            return null;
        }

        var key = Value(parse.GetValue(AdminKey), context, AdminKeyVariable);
        var scope = Value(parse.GetValue(Scope), context, ScopeVariable);
        if (key is not null && !IsLoopback(uri))
        {
            // The key is the local host's stand-in for Entra: sending it anywhere else would only leak it.
            failure = CommandFailure.BadInput("ADMIN_KEY_NOT_LOCAL", $"an admin key is only sent to the local host (localhost, 127.0.0.1, ::1), not to {uri.Host}; a deployment takes an Entra token (--scope)");
            return null;
        }

        if (key is null && scope is null)
        {
            failure = CommandFailure.BadInput("CREDENTIALS_MISSING", $"give --admin-key (or {AdminKeyVariable}) for the local host, or --scope (or {ScopeVariable}) for a deployment's Entra token");
            return null;
        }

        X509Certificate2Collection? authorities = null;
        if (parse.GetValue(CaFile) is { } caFile)
        {
            authorities = ReadAuthorities(caFile, out failure);
            if (authorities is null)
            {
                return null;
            }
        }

        var root = uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        return new AdminTarget(root, key, key is null ? scope : null, authorities, TimeSpan.FromSeconds(parse.GetValue(TimeoutSeconds)));
    }

    private static string? Value(string? given, CliContext context, string variable)
        => string.IsNullOrWhiteSpace(given) ? (context.Environment(variable) is { Length: > 0 } v ? v.Trim() : null) : given.Trim();

    private static bool IsLoopback(Uri uri)
        => uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static X509Certificate2Collection? ReadAuthorities(string path, out CommandFailure? failure)
    {
        failure = null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            failure = CommandFailure.BadInput("CA_FILE_UNREADABLE", $"--ca-file {path}: {ex.Message}");
            return null;
        }

        if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            failure = CommandFailure.BadInput("CA_FILE_INVALID", $"--ca-file {path} holds a private key; give the CA certificate only");
            return null;
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(text);
        }
        catch (CryptographicException ex)
        {
            failure = CommandFailure.BadInput("CA_FILE_INVALID", $"--ca-file {path}: {ex.Message}");
            return null;
        }

        if (collection.Count == 0)
        {
            failure = CommandFailure.BadInput("CA_FILE_INVALID", $"--ca-file {path} holds no PEM certificate");
            return null;
        }

        return collection;
    }
}

/// <summary>A resolved admin API: its base address, one way to authenticate, the CAs to trust, the timeout.</summary>
internal sealed record AdminTarget(Uri BaseAddress, string? AdminKey, string? Scope, X509Certificate2Collection? Authorities, TimeSpan Timeout);

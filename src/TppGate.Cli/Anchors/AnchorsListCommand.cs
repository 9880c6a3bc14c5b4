using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TppGate.Azure.KeyVault;
using TppGate.Cli.Admin;
using TppGate.Cli.CommandLine;
using TppGate.Core.Certificates;
using TppGate.Core.Trust;

namespace TppGate.Cli.Anchors;

/// <summary>
/// <c>tppgate anchors list</c>: the trust anchors as the gateway loads them, with the gateway's own loaders: the
/// trust-anchor Key Vault (<see cref="KeyVaultTrustAnchorProvider"/>, signed in with DefaultAzureCredential) or a
/// PEM file or folder (<see cref="FileTrustAnchorProvider"/>, the local host's <c>TrustAnchors:Path</c>).
/// </summary>
internal static class AnchorsListCommand
{
    public static Command Create(CliContext context)
    {
        var vault = new Option<Uri>("--vault-uri") { Description = "the trust-anchor Key Vault, https://<name>.vault.azure.net (DefaultAzureCredential; needs Key Vault Secrets User on it)", HelpName = "url" };
        var path = new Option<string>("--path") { Description = "a PEM file or a folder of .pem/.cer/.crt files (the local host's TrustAnchors:Path)", HelpName = "file|folder" };
        var json = CommandLineValues.JsonOption();
        var command = new Command("list", "The trust anchors (self-signed roots) and intermediates the gateway would load.") { vault, path, json };
        command.Validators.Add(r =>
        {
            if ((r.GetResult(vault) is null) == (r.GetResult(path) is null))
            {
                r.AddError("give exactly one of --vault-uri and --path");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var output = new CommandOutput(context, parse.GetValue(json), "anchors list");
            TrustAnchorSet? set;
            int rejected = 0;
            if (parse.GetValue(path) is { } file)
            {
                var provider = new FileTrustAnchorProvider(file, context.Time);
                set = provider.Current;
                if (set is null)
                {
                    return output.Fail(CommandFailure.BadInput("ANCHORS_UNREADABLE", provider.LastError ?? "no anchors loaded"));
                }
            }
            else
            {
                var uri = parse.GetRequiredValue(vault);
                if (uri.Scheme != Uri.UriSchemeHttps)
                {
                    return output.Fail(CommandFailure.BadInput("VAULT_URI_INVALID", "--vault-uri must be https://"));
                }

                using var provider = new KeyVaultTrustAnchorProvider(
                    new SecretClient(uri, new DefaultAzureCredential()),
                    Options.Create(new KeyVaultTrustAnchorOptions { VaultUri = uri }),
                    context.Time,
                    NullLogger<KeyVaultTrustAnchorProvider>.Instance);
                TrustAnchorRefreshResult result;
                try
                {
                    result = await provider.RefreshAsync(ct);
                }
                catch (AuthenticationFailedException ex)
                {
                    return output.Fail(CommandFailure.Unavailable("AUTHENTICATION_FAILED", ex.Message.Split('\n', 2)[0].Trim()));
                }

                set = provider.Current;
                rejected = result.RejectedSecretCount;
                if (set is null)
                {
                    var exit = result.Failure == TrustAnchorRefreshFailure.NoAnchors ? ExitCodes.Refused : ExitCodes.Unavailable;
                    return output.Fail(new CommandFailure(exit, InspectCommand.ToUpperSnake(result.Failure.ToString()), $"{uri} gave no usable trust anchors ({rejected} secret(s) refused)", result.StatusCode));
                }
            }

            var rows = set.Anchors.Select(c => (Kind: "anchor", Certificate: c)).Concat(set.Intermediates.Select(c => (Kind: "intermediate", Certificate: c))).ToList();
            if (output.IsJson)
            {
                return output.Json(new JsonObject
                {
                    ["source"] = set.Source,
                    ["loadedAt"] = set.LoadedAt,
                    ["refusedSecrets"] = rejected,
                    ["certificates"] = new JsonArray([.. rows.Select(r => (JsonNode?)Describe(r.Kind, r.Certificate))]),
                });
            }

            output.Line($"{set.Anchors.Count} anchor(s), {set.Intermediates.Count} intermediate(s) from {CommandOutput.Safe(set.Source)}{(rejected > 0 ? $"; {rejected} secret(s) refused" : string.Empty)}");
            output.Table(
                ["KIND", "SUBJECT", "NOT AFTER", "SHA-256"],
                rows.Select(r => (IReadOnlyList<string?>)[r.Kind, r.Certificate.Subject, Iso(r.Certificate.NotAfter), CertificateThumbprints.Of(r.Certificate).Sha256Hex]));
            return ExitCodes.Success;
        });
        return command;
    }

    private static JsonObject Describe(string kind, X509Certificate2 certificate) => new()
    {
        ["kind"] = kind,
        ["subject"] = certificate.Subject,
        ["issuer"] = certificate.Issuer,
        ["notBefore"] = Iso(certificate.NotBefore),
        ["notAfter"] = Iso(certificate.NotAfter),
        ["sha256"] = CertificateThumbprints.Of(certificate).Sha256Hex,
    };

    private static string Iso(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

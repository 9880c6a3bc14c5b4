using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using TppGate.Azure.KeyVault;
using TppGate.Core.Trust;
using TppGate.Core.Trust.TrustedLists;

namespace TppGate.Azure.TrustedLists;

/// <summary>What one write changed, or why it changed nothing.</summary>
/// <param name="Import">The import that was applied (or refused).</param>
/// <param name="Added">Anchor secrets created.</param>
/// <param name="Enabled">Disabled anchor secrets enabled again (their service is back in a list).</param>
/// <param name="Disabled">Anchor secrets disabled (their service left the lists); never deleted.</param>
/// <param name="Error">Why nothing was written, when the vault could not be read or written.</param>
public sealed record AnchorWriteResult(TrustedListImport? Import, int Added, int Enabled, int Disabled, string? Error = null)
{
    /// <summary>True when the LOTL was accepted and the vault now holds its anchors.</summary>
    public bool Succeeded => Error is null && Import is { LotlAccepted: true };
}

/// <summary>
/// Writes trusted-list anchors into the anchors vault as the tagged PEM secrets that
/// <see cref="KeyVaultTrustAnchorProvider"/> reads (decision 0003): one secret <c>tl-{sha256}</c> per certificate,
/// with the named-anchor line, tagged with territory, TSP and service. A secret whose service left the lists is
/// disabled, not deleted; every change is logged. The state between runs (last accepted sequence per territory)
/// is the secret <see cref="StateSecretName"/>; the anchors in force are the enabled <c>tl-</c> secrets themselves.
/// </summary>
/// <remarks>
/// Nothing is written unless the LOTL was accepted. All reads happen before the first write; a write that fails
/// stops the run, which the next run completes (Key Vault has no transactions across secrets).
/// </remarks>
public sealed partial class KeyVaultAnchorWriter(SecretClient client, KeyVaultTrustAnchorOptions anchorOptions, ILogger<KeyVaultAnchorWriter> logger)
{
    /// <summary>The secret that holds the last accepted TSLSequenceNumber per territory (JSON; not an anchor).</summary>
    public const string StateSecretName = "tppgate-trusted-lists-state";

    /// <summary>Prefix of the anchor secrets this writer owns.</summary>
    public const string SecretPrefix = "tl-";

    /// <summary>Tag naming where an anchor secret came from.</summary>
    public const string SourceTag = "tppgate-source";

    /// <summary>Value of <see cref="SourceTag"/> on anchors from the EU trusted lists.</summary>
    public const string SourceValue = "eu-trusted-list";

    /// <summary>Tag with the list's territory.</summary>
    public const string TerritoryTag = "tppgate-territory";

    /// <summary>Tag with the TSP's name.</summary>
    public const string TspTag = "tppgate-tsp";

    /// <summary>Tag with the service's name.</summary>
    public const string ServiceTag = "tppgate-service";

    private const int MaxTagValue = 256;

    /// <summary>Reads the vault's state, runs <paramref name="import"/> with it and, if the LOTL was accepted, writes the result.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    [RequiresUnreferencedCode(TrustedListSignatureVerifier.TrimmingNote)]
    [RequiresDynamicCode(TrustedListSignatureVerifier.TrimmingNote)]
    public async Task<AnchorWriteResult> WriteAsync(Func<TrustedListState, TrustedListImport> import, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(import);
        Dictionary<string, SecretProperties> owned;
        TrustedListState previous;
        try
        {
            (owned, previous) = await ReadAsync(cancellationToken);
        }
        catch (RequestFailedException e)
        {
            Log.VaultFailed(logger, "read", e.Status, e.ErrorCode);
            return new AnchorWriteResult(null, 0, 0, 0, $"the vault could not be read ({e.Status} {e.ErrorCode})");
        }

        var result = import(previous);
        LogOutcome(result);
        if (!result.LotlAccepted)
        {
            Log.NothingWritten(logger, result.Lotl.Refusal, Printable(result.Lotl.Detail));
            return new AnchorWriteResult(result, 0, 0, 0);
        }

        int added = 0, enabled = 0, disabled = 0;
        try
        {
            var wanted = result.Anchors.GroupBy(a => a.Sha256, StringComparer.Ordinal).ToDictionary(g => SecretPrefix + g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
            foreach (var (name, anchors) in wanted)
            {
                if (!owned.TryGetValue(name, out var existing))
                {
                    await client.SetSecretAsync(NewSecret(name, anchors), cancellationToken);
                    added++;
                    Log.AnchorAdded(logger, name, Printable(anchors[0].Territory), Printable(anchors[0].Tsp), Printable(anchors[0].Service));
                }
                else if (existing.Enabled != true)
                {
                    await SetEnabledAsync(name, true, cancellationToken);
                    enabled++;
                    Log.AnchorEnabled(logger, name, Printable(anchors[0].Territory), Printable(anchors[0].Tsp), Printable(anchors[0].Service));
                }
            }

            foreach (var (name, properties) in owned)
            {
                if (properties.Enabled == true && !wanted.ContainsKey(name))
                {
                    await SetEnabledAsync(name, false, cancellationToken);
                    disabled++;
                    Log.AnchorDisabled(logger, name, Printable(Tag(properties, TerritoryTag)), Printable(Tag(properties, TspTag)), Printable(Tag(properties, ServiceTag)));
                }
            }

            if (!SameSequences(previous.Sequences, result.State.Sequences))
            {
                var state = new KeyVaultSecret(StateSecretName, JsonSerializer.Serialize(result.State.Sequences.ToDictionary(), TrustedListStateJson.Default.DictionaryStringInt64));
                state.Properties.ContentType = "application/json";
                await client.SetSecretAsync(state, cancellationToken);
                Log.StateWritten(logger, string.Join(", ", result.State.Sequences.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")));
            }
        }
        catch (RequestFailedException e)
        {
            Log.VaultFailed(logger, "write", e.Status, e.ErrorCode);
            return new AnchorWriteResult(result, added, enabled, disabled, $"a vault write failed ({e.Status} {e.ErrorCode}); the next run completes it");
        }

        Log.Written(logger, result.Anchors.Count, added, enabled, disabled);
        return new AnchorWriteResult(result, added, enabled, disabled);
    }

    private async Task<(Dictionary<string, SecretProperties> Owned, TrustedListState State)> ReadAsync(CancellationToken cancellationToken)
    {
        var owned = new Dictionary<string, SecretProperties>(StringComparer.OrdinalIgnoreCase);
        var hasState = false;
        await foreach (var properties in client.GetPropertiesOfSecretsAsync(cancellationToken))
        {
            if (properties.Name.Equals(StateSecretName, StringComparison.OrdinalIgnoreCase))
            {
                hasState = properties.Enabled == true;
            }
            else if (properties.Name.StartsWith(SecretPrefix, StringComparison.OrdinalIgnoreCase) && Tag(properties, SourceTag) == SourceValue && !properties.Managed)
            {
                owned[properties.Name] = properties;
            }
        }

        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        if (hasState)
        {
            var value = (await client.GetSecretAsync(StateSecretName, cancellationToken: cancellationToken)).Value.Value;
            try
            {
                sequences = JsonSerializer.Deserialize(value, TrustedListStateJson.Default.DictionaryStringInt64) ?? sequences;
            }
            catch (JsonException)
            {
                // Without the last sequence numbers a replayed old list could not be told apart: change nothing.
                Log.StateUnreadable(logger);
                throw new RequestFailedException(0, "the trusted-list state secret is unreadable", "StateUnreadable", null);
            }
        }

        var anchors = new List<TrustedListAnchor>();
        foreach (var properties in owned.Values.Where(p => p.Enabled == true))
        {
            var pem = (await client.GetSecretAsync(properties.Name, cancellationToken: cancellationToken)).Value.Value;
            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPem(pem);
            }
            catch (CryptographicException)
            {
                continue;
            }

            foreach (var certificate in collection)
            {
                anchors.Add(TrustedListAnchor.Create(certificate.RawData, Tag(properties, TerritoryTag), Tag(properties, TspTag), Tag(properties, ServiceTag)));
                certificate.Dispose();
            }
        }

        return (owned, new TrustedListState(sequences, anchors));
    }

    // Enabled is an attribute of a secret version: update the latest one (the list of secrets names no version).
    private async Task SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken)
    {
        SecretProperties? latest = null;
        await foreach (var version in client.GetPropertiesOfSecretVersionsAsync(name, cancellationToken))
        {
            if (latest is null || version.CreatedOn > latest.CreatedOn)
            {
                latest = version;
            }
        }

        if (latest is null)
        {
            throw new RequestFailedException(404, $"secret {name} has no version", "SecretNotFound", null);
        }

        latest.Enabled = enabled;
        await client.UpdateSecretPropertiesAsync(latest, cancellationToken);
    }

    private KeyVaultSecret NewSecret(string name, List<TrustedListAnchor> anchors)
    {
        var secret = new KeyVaultSecret(name, TrustAnchorPem.Write(anchors));
        secret.Properties.ContentType = KeyVaultTrustAnchorProvider.PemContentType;
        secret.Properties.Tags[anchorOptions.TagName] = anchorOptions.TagValue;
        secret.Properties.Tags[SourceTag] = SourceValue;
        secret.Properties.Tags[TerritoryTag] = Clip(anchors[0].Territory);
        secret.Properties.Tags[TspTag] = Clip(anchors[0].Tsp);
        secret.Properties.Tags[ServiceTag] = Clip(anchors[0].Service);
        return secret;
    }

    private void LogOutcome(TrustedListImport import)
    {
        Log.ListJudged(logger, "EU", import.Lotl.SequenceNumber, import.Lotl.Accepted, import.Lotl.Refusal, Printable(import.Lotl.Source), Printable(import.Lotl.Detail));
        foreach (var l in import.Lists)
        {
            Log.ListJudged(logger, Printable(l.Territory ?? "??"), l.SequenceNumber, l.Accepted, l.Refusal, Printable(l.Source), Printable(l.Detail));
        }
    }

    private static bool SameSequences(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
        => a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static string Tag(SecretProperties properties, string name) => properties.Tags.TryGetValue(name, out var v) ? v : string.Empty;

    // Text from downloaded lists reaches the log: control characters are escaped so a line cannot be forged.
    private static string Printable(string value)
    {
        var clipped = value.Length <= 1024 ? value : value[..1024] + "...";
        return clipped.Any(char.IsControl)
            ? string.Concat(clipped.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()))
            : clipped;
    }

    private static string Clip(string value) => value.Length <= MaxTagValue ? value : value[..MaxTagValue];

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, EventName = "TrustedListJudged", Level = LogLevel.Information,
            Message = "Trusted list {Territory} sequence {Sequence}: accepted {Accepted} ({Refusal}) from {Source}: {Detail}")]
        public static partial void ListJudged(ILogger logger, string territory, long? sequence, bool accepted, TrustedListRefusal refusal, string source, string detail);

        [LoggerMessage(EventId = 41, EventName = "TrustedListAnchorsNotWritten", Level = LogLevel.Warning,
            Message = "The LOTL was refused ({Refusal}: {Detail}); the vault is unchanged")]
        public static partial void NothingWritten(ILogger logger, TrustedListRefusal refusal, string detail);

        [LoggerMessage(EventId = 42, EventName = "TrustedListAnchorAdded", Level = LogLevel.Information,
            Message = "Anchor secret {SecretName} added: {Territory} / {Tsp} / {Service}")]
        public static partial void AnchorAdded(ILogger logger, string secretName, string territory, string tsp, string service);

        [LoggerMessage(EventId = 43, EventName = "TrustedListAnchorEnabled", Level = LogLevel.Information,
            Message = "Anchor secret {SecretName} enabled again: {Territory} / {Tsp} / {Service}")]
        public static partial void AnchorEnabled(ILogger logger, string secretName, string territory, string tsp, string service);

        [LoggerMessage(EventId = 44, EventName = "TrustedListAnchorDisabled", Level = LogLevel.Warning,
            Message = "Anchor secret {SecretName} disabled, its service left the lists: {Territory} / {Tsp} / {Service}")]
        public static partial void AnchorDisabled(ILogger logger, string secretName, string territory, string tsp, string service);

        [LoggerMessage(EventId = 45, EventName = "TrustedListStateWritten", Level = LogLevel.Information,
            Message = "Accepted trusted-list sequence numbers recorded: {Sequences}")]
        public static partial void StateWritten(ILogger logger, string sequences);

        [LoggerMessage(EventId = 46, EventName = "TrustedListVaultFailed", Level = LogLevel.Error,
            Message = "The anchors vault failed during {Phase} ({Status} {ErrorCode})")]
        public static partial void VaultFailed(ILogger logger, string phase, int status, string? errorCode);

        [LoggerMessage(EventId = 47, EventName = "TrustedListAnchorsWritten", Level = LogLevel.Information,
            Message = "{AnchorCount} trusted-list anchors in force: {Added} added, {Enabled} enabled again, {Disabled} disabled")]
        public static partial void Written(ILogger logger, int anchorCount, int added, int enabled, int disabled);

        [LoggerMessage(EventId = 48, EventName = "TrustedListStateUnreadable", Level = LogLevel.Warning,
            Message = "The trusted-list state secret is unreadable; nothing is written until it is fixed or deleted")]
        public static partial void StateUnreadable(ILogger logger);
    }
}

/// <summary>Source-generated JSON for the state secret.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class TrustedListStateJson : System.Text.Json.Serialization.JsonSerializerContext;

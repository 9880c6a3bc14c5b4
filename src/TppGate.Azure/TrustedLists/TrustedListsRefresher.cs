using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TppGate.Core.Trust.TrustedLists;

namespace TppGate.Azure.TrustedLists;

/// <summary>
/// One scheduled run: download the LOTL and the pivots it names, verify it, download the national lists its
/// verified pointers name, import and write the anchors into the vault (<see cref="KeyVaultAnchorWriter"/>).
/// A run whose LOTL cannot be obtained or is refused changes nothing.
/// </summary>
public sealed partial class TrustedListsRefresher(
    TrustedListDownloader downloader,
    KeyVaultAnchorWriter writer,
    IOptions<TrustedListsOptions> options,
    TimeProvider timeProvider,
    ILogger<TrustedListsRefresher> logger)
{
    /// <summary>Runs once.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    [RequiresUnreferencedCode(TrustedListSignatureVerifier.TrimmingNote)]
    [RequiresDynamicCode(TrustedListSignatureVerifier.TrimmingNote)]
    public async Task<AnchorWriteResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var pinned = PinnedSigners(o);
        var importer = new TrustedListImporter(new TrustedListImportOptions { NextUpdateGrace = o.NextUpdateGrace, MaxListBytes = o.MaxListBytes });
        var lotl = await downloader.GetAsync(o.LotlUrl, "EU", cancellationToken);
        if (lotl.Content is null)
        {
            Log.LotlUnavailable(logger, lotl.Name, lotl.Error ?? string.Empty);
            return new AnchorWriteResult(null, 0, 0, 0, $"the LOTL could not be downloaded: {lotl.Error}");
        }

        // Pivots are fetched only from the LOTL's own host: an unverified document must not aim downloads elsewhere.
        var pivots = new List<TrustedListSource>();
        foreach (var uri in PivotLocations(lotl, o))
        {
            pivots.Add(await downloader.GetAsync(uri, "EU", cancellationToken));
        }

        var now = timeProvider.GetUtcNow();
        var lists = new List<TrustedListSource>();
        var verified = importer.Import(lotl, pivots, [], pinned, now, TrustedListState.Empty);
        if (verified.LotlAccepted && Read(lotl, o) is { } lotlList)
        {
            foreach (var pointer in lotlList.Pointers.Where(p => p.Type != TrustedListUris.LotlType && string.Equals(p.MimeType, TrustedListUris.XmlMimeType, StringComparison.OrdinalIgnoreCase) && p.Territory is not null))
            {
                lists.Add(Uri.TryCreate(pointer.Location, UriKind.Absolute, out var location)
                    ? await downloader.GetAsync(location, pointer.Territory, cancellationToken)
                    : TrustedListSource.Unavailable(pointer.Location ?? "(none)", pointer.Territory, "the pointer's TSLLocation is not a URL"));
            }
        }

        return await writer.WriteAsync(state => importer.Import(lotl, pivots, lists, pinned, now, state), cancellationToken);
    }

    /// <summary>The pinned LOTL signers from configuration, as DER; each entry is PEM (one or more certificates) or base64 DER.</summary>
    /// <exception cref="FormatException">An entry is neither.</exception>
    public static IReadOnlyList<byte[]> PinnedSigners(TrustedListsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var signers = new List<byte[]>();
        foreach (var entry in options.LotlSigners)
        {
            if (entry.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                var collection = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
                collection.ImportFromPem(entry);
                signers.AddRange(collection.Select(c => c.RawData));
                continue;
            }

            var der = Convert.FromBase64String(entry.Trim());
            using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
            signers.Add(certificate.RawData);
        }

        return signers;
    }

    private static TrustedList? Read(TrustedListSource source, TrustedListsOptions options)
        => TrustedListDocument.TryLoad(source.Content!.Value, options.MaxListBytes, out var document, out _) == TrustedListRefusal.None
            ? TrustedListReader.TryRead(document!, out _)
            : null;

    private static IEnumerable<Uri> PivotLocations(TrustedListSource lotl, TrustedListsOptions options)
    {
        if (Read(lotl, options) is not { } list)
        {
            yield break;
        }

        foreach (var text in list.SchemeInformationUris)
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri)
                && uri.AbsolutePath.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                && string.Equals(uri.Host, options.LotlUrl.Host, StringComparison.OrdinalIgnoreCase)
                && uri != options.LotlUrl)
            {
                yield return uri;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 50, EventName = "TrustedListLotlUnavailable", Level = LogLevel.Error,
            Message = "The LOTL could not be downloaded from {Location} ({Error}); the vault is unchanged")]
        public static partial void LotlUnavailable(ILogger logger, string location, string error);
    }
}

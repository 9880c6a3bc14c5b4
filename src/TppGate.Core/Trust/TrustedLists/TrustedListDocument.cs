using System.Xml;

namespace TppGate.Core.Trust.TrustedLists;

/// <summary>
/// Loads a trusted list's bytes into an <see cref="XmlDocument"/> that nothing in it can reach beyond: DTDs are
/// prohibited (so no entities, no billion laughs), there is no <see cref="XmlResolver"/> (so no external entity,
/// schema or include is ever fetched) and the size is capped before parsing starts.
/// </summary>
public static class TrustedListDocument
{
    /// <summary>Parses <paramref name="content"/>; never throws for bad input.</summary>
    /// <param name="content">The list's bytes as downloaded or read.</param>
    /// <param name="maxBytes">The largest list accepted.</param>
    /// <param name="document">The document, when it loaded.</param>
    /// <param name="error">Why it did not load, when it did not.</param>
    /// <returns>The refusal (<see cref="TrustedListRefusal.None"/> when it loaded).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is not positive.</exception>
    public static TrustedListRefusal TryLoad(ReadOnlyMemory<byte> content, int maxBytes, out XmlDocument? document, out string? error)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        document = null;
        if (content.Length > maxBytes)
        {
            error = $"{content.Length} bytes, more than the limit of {maxBytes}";
            return TrustedListRefusal.TooLarge;
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = maxBytes,
            CloseInput = true,
        };
        var loaded = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        try
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            loaded.Load(reader);
        }
        catch (XmlException e)
        {
            error = e.Message;
            return TrustedListRefusal.NotWellFormed;
        }

        if (loaded.DocumentElement is null)
        {
            error = "no root element";
            return TrustedListRefusal.NotWellFormed;
        }

        document = loaded;
        error = null;
        return TrustedListRefusal.None;
    }
}

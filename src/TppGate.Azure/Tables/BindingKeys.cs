using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TppGate.Azure.Tables;

/// <summary>
/// Rules for client_ids and how they become Table Storage keys. Keys may not hold <c>/ \ # ?</c> or control
/// characters and are limited in size, while a client_id is whatever the bank registered; these rules make any
/// valid client_id a safe key without two client_ids ever sharing one.
/// </summary>
public static class BindingKeys
{
    /// <summary>The longest client_id accepted, in UTF-16 code units.</summary>
    public const int MaxClientIdLength = 256;

    /// <summary>Escaped keys longer than this are replaced by a hash so every key stays far below the 1 KiB limit.</summary>
    internal const int MaxEscapedLength = 255;

    /// <summary>
    /// True when <paramref name="clientId"/> can be stored: 1 to <see cref="MaxClientIdLength"/> code units, not
    /// only white space, and well-formed UTF-16 (no lone surrogates, which could not round-trip through JSON).
    /// Callers validate input with this before calling the store, which treats an invalid client_id as one that
    /// has no bindings.
    /// </summary>
    public static bool IsValidClientId(string? clientId)
    {
        if (string.IsNullOrWhiteSpace(clientId) || clientId.Length > MaxClientIdLength)
        {
            return false;
        }

        for (var i = 0; i < clientId.Length; i++)
        {
            var c = clientId[i];
            if (char.IsHighSurrogate(c) && i + 1 < clientId.Length && char.IsLowSurrogate(clientId[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The key form of a valid client_id. Every character outside <c>[A-Za-z0-9-._]</c> in the ASCII and C1
    /// range becomes <c>%XX</c> (its code unit in upper-case hex), which is reversible; other characters stay.
    /// When the result is longer than 255 characters it is replaced by <c>~</c> and the SHA-256 of the UTF-8
    /// client_id: <c>~</c> itself is always escaped, so the two forms never meet.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is not valid (<see cref="IsValidClientId"/>).</exception>
    public static string ClientKey(string clientId)
    {
        if (!IsValidClientId(clientId))
        {
            throw new ArgumentException("The client_id is empty, too long or not well-formed UTF-16.", nameof(clientId));
        }

        var escaped = Escape(clientId);
        return escaped.Length <= MaxEscapedLength
            ? escaped
            : "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientId)));
    }

    /// <summary>Escapes <paramref name="value"/> as <see cref="ClientKey"/> does, without the length rule.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    /// <exception cref="FormatException"><paramref name="escaped"/> holds a malformed escape.</exception>
    public static string Unescape(string escaped)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        var builder = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c != '%')
            {
                builder.Append(c);
                continue;
            }

            if (i + 2 >= escaped.Length
                || !byte.TryParse(escaped.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                throw new FormatException("Malformed escape in a table key.");
            }

            builder.Append((char)code);
            i += 2;
        }

        return builder.ToString();
    }

    // Escaping all ASCII punctuation, not only the characters the service forbids, keeps quotes, spaces and
    // OData syntax out of keys, where emulators and URL handling have disagreed in the past.
    private static bool NeedsEscape(char c)
        => c <= 0x9F && !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_');
}

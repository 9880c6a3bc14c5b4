using System.Diagnostics.CodeAnalysis;

namespace TppGate.Core.Certificates;

/// <summary>
/// Parses a certificate thumbprint given by a person or a token: SHA-256 as hex (any case, colons or
/// spaces allowed between bytes) or as RFC 8705 base64url. The canonical form is lower-case hex.
/// </summary>
public static class Thumbprint
{
    /// <summary>Tries to read <paramref name="input"/> as a SHA-256 thumbprint.</summary>
    /// <returns><see langword="true"/> and the lower-case hex form when the input is 32 bytes in hex or base64url.</returns>
    public static bool TryParseSha256(string? input, [NotNullWhen(true)] out string? sha256Hex)
    {
        sha256Hex = null;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 128)
        {
            return false;
        }

        var text = input.Trim();
        Span<byte> bytes = stackalloc byte[32];
        if (text.Length >= 64)
        {
            Span<char> hex = stackalloc char[64];
            var n = 0;
            foreach (var c in text)
            {
                if (c is ':' or ' ')
                {
                    continue;
                }

                if (!char.IsAsciiHexDigit(c) || n == 64)
                {
                    return false;
                }

                hex[n++] = c;
            }

            if (n != 64 || Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
            {
                return false;
            }
        }
        else if (text.Length != 43 || !Base64Url.TryDecode(text, bytes, out var written) || written != 32)
        {
            return false;
        }

        sha256Hex = Convert.ToHexStringLower(bytes);
        return true;
    }

    /// <summary>The RFC 8705 base64url form of a lower-case hex SHA-256.</summary>
    /// <exception cref="FormatException"><paramref name="sha256Hex"/> is not 64 hex characters.</exception>
    public static string HexToX5tS256(string sha256Hex)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        if (sha256Hex.Length != 64)
        {
            throw new FormatException("A SHA-256 thumbprint is 64 hex characters.");
        }

        return Base64Url.Encode(Convert.FromHexString(sha256Hex));
    }
}

namespace TppGate.Core.Certificates;

/// <summary>base64url without padding (RFC 4648 section 5), as RFC 8705 and JOSE use it.</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    /// <remarks>
    /// <see cref="System.Buffers.Text.Base64Url.TryDecodeFromChars(ReadOnlySpan{char}, Span{byte}, out int)"/>
    /// returns false only for a short destination: bad characters or a bad length throw FormatException.
    /// </remarks>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        try
        {
            return System.Buffers.Text.Base64Url.TryDecodeFromChars(text, destination, out written);
        }
        catch (FormatException)
        {
            written = 0;
            return false;
        }
    }
}

namespace TppGate.Core.Certificates;

/// <summary>base64url without padding (RFC 4648 section 5), as RFC 8705 and JOSE use it.</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
        => System.Buffers.Text.Base64Url.TryDecodeFromChars(text, destination, out written);
}

using System.Buffers;

namespace TppGate.Core.Certificates;

/// <summary>The text layers around DER: base64, PEM armour and percent-encoding.</summary>
internal static class TextDecoding
{
    private const string BeginMarker = "-----BEGIN ";
    private const string EndMarker = "-----END ";
    private const string Dashes = "-----";

    /// <summary>A PEM block: its label and the base64 body, as ranges into the text.</summary>
    public readonly record struct PemBlock(Range Label, Range Body);

    public static bool IsWhiteSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Finds every PEM block; only white space may surround them.</summary>
    public static CertificateReadError FindPemBlocks(ReadOnlySpan<char> text, List<PemBlock> blocks, int max, out string? message)
    {
        message = null;
        var offset = 0;
        while (true)
        {
            var rest = text[offset..];
            var skip = 0;
            while (skip < rest.Length && IsWhiteSpace(rest[skip]))
            {
                skip++;
            }

            if (skip == rest.Length)
            {
                break;
            }

            rest = rest[skip..];
            offset += skip;
            if (!rest.StartsWith(BeginMarker, StringComparison.Ordinal))
            {
                message = "Text outside the PEM armour.";
                return CertificateReadError.InvalidPem;
            }

            var labelStart = BeginMarker.Length;
            var labelLength = rest[labelStart..].IndexOf(Dashes, StringComparison.Ordinal);
            if (labelLength <= 0)
            {
                message = "PEM BEGIN line is not closed.";
                return CertificateReadError.InvalidPem;
            }

            var label = rest.Slice(labelStart, labelLength);
            var bodyStart = labelStart + labelLength + Dashes.Length;
            var endAt = rest[bodyStart..].IndexOf(EndMarker, StringComparison.Ordinal);
            if (endAt < 0)
            {
                message = "PEM has no END line.";
                return CertificateReadError.InvalidPem;
            }

            var afterEnd = rest[(bodyStart + endAt + EndMarker.Length)..];
            if (!afterEnd.StartsWith(label, StringComparison.Ordinal) || !afterEnd[label.Length..].StartsWith(Dashes, StringComparison.Ordinal))
            {
                message = "PEM END label does not match its BEGIN label.";
                return CertificateReadError.InvalidPem;
            }

            if (blocks.Count == max)
            {
                message = max == 1 ? "Several certificates where one is expected." : $"More than {max} certificates.";
                return max == 1 ? CertificateReadError.MultipleCertificates : CertificateReadError.TooLarge;
            }

            blocks.Add(new PemBlock(
                new Range(offset + labelStart, offset + labelStart + labelLength),
                new Range(offset + bodyStart, offset + bodyStart + endAt)));
            offset += bodyStart + endAt + EndMarker.Length + label.Length + Dashes.Length;
        }

        if (blocks.Count == 0)
        {
            message = "No PEM block.";
            return CertificateReadError.InvalidPem;
        }

        return CertificateReadError.None;
    }

    /// <summary>Checks a PEM label: only CERTIFICATE is a certificate; PKCS7 and CMS are containers.</summary>
    public static CertificateReadError CheckLabel(ReadOnlySpan<char> label, out string? message)
    {
        message = null;
        if (label.SequenceEqual("CERTIFICATE"))
        {
            return CertificateReadError.None;
        }

        if (label.SequenceEqual("PKCS7") || label.SequenceEqual("CMS") || label.SequenceEqual("PKCS12"))
        {
            message = "A PKCS#7 or PKCS#12 container was sent instead of one certificate.";
            return CertificateReadError.ContainerNotAllowed;
        }

        message = "The PEM block is not a CERTIFICATE.";
        return CertificateReadError.InvalidPem;
    }

    /// <summary>Decodes standard base64 (white space ignored) into a pooled buffer the caller returns.</summary>
    public static CertificateReadError DecodeBase64(ReadOnlySpan<char> text, out byte[]? rented, out int written, out string? message)
    {
        message = null;
        rented = ArrayPool<byte>.Shared.Rent(Math.Max(4, (text.Length / 4 * 3) + 3));
        if (!Convert.TryFromBase64Chars(text, rented, out written) || written == 0)
        {
            ArrayPool<byte>.Shared.Return(rented);
            rented = null;
            written = 0;
            message = "The value is not valid base64.";
            return CertificateReadError.InvalidBase64;
        }

        return CertificateReadError.None;
    }

    /// <summary>
    /// Percent-decodes into ASCII text. '+' stays '+' (never form-decoding: AWS ALB leaves '+' literal), and
    /// anything that decodes outside ASCII cannot be PEM.
    /// </summary>
    public static CertificateReadError PercentDecode(ReadOnlySpan<char> text, Span<char> destination, out int written, out string? message)
    {
        message = null;
        written = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    message = "A '%' is not followed by two hex digits.";
                    return CertificateReadError.InvalidUrlEncoding;
                }

                c = (char)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                i += 2;
            }

            if (c > 0x7F)
            {
                message = "URL-encoded PEM decodes to non-ASCII text.";
                return CertificateReadError.InvalidUrlEncoding;
            }

            destination[written++] = c;
        }

        return CertificateReadError.None;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

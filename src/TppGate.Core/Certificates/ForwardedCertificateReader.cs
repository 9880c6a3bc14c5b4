using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TppGate.Core.Certificates;

/// <summary>
/// Reads a client certificate from a forwarded header value in any supported format. Never throws for bad
/// input: every failure is a <see cref="CertificateReadResult"/> with a stable <see cref="CertificateReadError"/>.
/// </summary>
/// <remarks>
/// The size limit is checked before any decoding. DER goes only through <see cref="X509CertificateLoader"/>
/// after a strict DER walk, so PKCS#7/PKCS#12 containers, BER lengths, trailing bytes and a second
/// certificate are refused rather than silently reduced to a certificate.
/// </remarks>
public static class ForwardedCertificateReader
{
    private static readonly CertificateReaderOptions DefaultOptions = new();

    /// <summary>Reads one certificate (and any chain the format carries) from <paramref name="value"/>.</summary>
    public static CertificateReadResult Read(string? value, CertificateSourceFormat format = CertificateSourceFormat.Auto, CertificateReaderOptions? options = null)
    {
        options ??= DefaultOptions;
        if (string.IsNullOrEmpty(value))
        {
            return CertificateReadResult.Fail(CertificateReadError.Missing, "No certificate value.");
        }

        if (value.Length > options.MaxValueLength)
        {
            return TooLarge(value.Length, options);
        }

        var text = value.AsSpan().Trim(" \t\r\n");
        if (text.IsEmpty)
        {
            return CertificateReadResult.Fail(CertificateReadError.Missing, "The certificate value is blank.");
        }

        return Guarded(text, format, options);
    }

    /// <summary>Reads raw bytes from a file: DER, or any text format.</summary>
    public static CertificateReadResult Read(ReadOnlySpan<byte> bytes, CertificateSourceFormat format = CertificateSourceFormat.Auto, CertificateReaderOptions? options = null)
    {
        options ??= DefaultOptions;
        if (bytes.IsEmpty)
        {
            return CertificateReadResult.Fail(CertificateReadError.Missing, "No certificate bytes.");
        }

        if (bytes.Length > options.MaxValueLength)
        {
            return TooLarge(bytes.Length, options);
        }

        if (format == CertificateSourceFormat.Der || (format == CertificateSourceFormat.Auto && bytes[0] == 0x30))
        {
            return LoadSingle(bytes, CertificateSourceFormat.Der);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] > 0x7F)
                {
                    return CertificateReadResult.Fail(CertificateReadError.UnknownFormat, "The bytes are neither DER nor ASCII text.");
                }

                chars[i] = (char)bytes[i];
            }

            var text = chars.AsSpan(0, bytes.Length).Trim(" \t\r\n");
            return text.IsEmpty
                ? CertificateReadResult.Fail(CertificateReadError.Missing, "The file is blank.")
                : Guarded(text, format, options);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Reads an RFC 9440 <c>Client-Cert-Chain</c> value: a list of byte sequences.</summary>
    /// <remarks>An absent or empty value is an empty chain (RFC 8941: an empty list is no list).</remarks>
    public static CertificateChainReadResult ReadRfc9440Chain(string? value, CertificateReaderOptions? options = null)
    {
        options ??= DefaultOptions;
        if (string.IsNullOrWhiteSpace(value))
        {
            return new CertificateChainReadResult([], CertificateReadError.None, null);
        }

        if (value.Length > options.MaxValueLength)
        {
            return ChainFail(CertificateReadError.TooLarge, $"The value is {value.Length} characters; the limit is {options.MaxValueLength}.");
        }

        var members = new List<Range>();
        if (!StructuredFieldParser.TryParseByteSequenceList(value, members))
        {
            return ChainFail(CertificateReadError.InvalidStructuredField, "Client-Cert-Chain is not a list of structured-field byte sequences.");
        }

        if (members.Count > options.MaxChainLength)
        {
            return ChainFail(CertificateReadError.TooLarge, $"The chain has {members.Count} certificates; the limit is {options.MaxChainLength}.");
        }

        var certificates = new List<X509Certificate2>(members.Count);
        foreach (var member in members)
        {
            var one = GuardedBase64(value.AsSpan()[member], CertificateSourceFormat.Rfc9440);
            if (!one.Succeeded)
            {
                DisposeAll(certificates);
                return ChainFail(one.Error, one.Message ?? "A chain member is not a certificate.");
            }

            certificates.Add(one.Value.Certificate);
        }

        return new CertificateChainReadResult(certificates, CertificateReadError.None, null);
    }

    /// <summary>Detects the format of a trimmed, non-empty value from its shape.</summary>
    internal static CertificateSourceFormat Detect(ReadOnlySpan<char> text)
    {
        if (text[0] == ':')
        {
            return CertificateSourceFormat.Rfc9440;
        }

        if (text.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return text.Contains('%') ? CertificateSourceFormat.UrlPem : CertificateSourceFormat.Pem;
        }

        if (text.StartsWith("%2D", StringComparison.OrdinalIgnoreCase))
        {
            return CertificateSourceFormat.UrlPem;
        }

        if (XfccParser.StartsWithKnownKey(text))
        {
            return CertificateSourceFormat.Xfcc;
        }

        var percent = false;
        foreach (var c in text)
        {
            if (c == '%')
            {
                percent = true;
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' || TextDecoding.IsWhiteSpace(c)))
            {
                return CertificateSourceFormat.Auto;
            }
        }

        return percent ? CertificateSourceFormat.UrlPem : CertificateSourceFormat.Base64;
    }

    private static CertificateReadResult Guarded(ReadOnlySpan<char> text, CertificateSourceFormat format, CertificateReaderOptions options)
    {
        try
        {
            return ReadText(text, format, options);
        }
        catch (CryptographicException)
        {
            return CertificateReadResult.Fail(CertificateReadError.InvalidDer, "The bytes are not an X.509 certificate.");
        }
        catch (FormatException)
        {
            return CertificateReadResult.Fail(CertificateReadError.InvalidBase64, "The value is not valid base64.");
        }
    }

    private static CertificateReadResult ReadText(ReadOnlySpan<char> text, CertificateSourceFormat format, CertificateReaderOptions options)
    {
        if (format == CertificateSourceFormat.Auto)
        {
            format = Detect(text);
        }

        switch (format)
        {
            case CertificateSourceFormat.Base64:
                return GuardedBase64(text, CertificateSourceFormat.Base64);
            case CertificateSourceFormat.Pem:
                return ReadPemOrBase64(text, CertificateSourceFormat.Pem);
            case CertificateSourceFormat.UrlPem:
                return ReadUrlPem(text, options, CertificateSourceFormat.UrlPem, null, out _);
            case CertificateSourceFormat.Rfc9440:
                return StructuredFieldParser.TryParseByteSequenceItem(text, out var range)
                    ? GuardedBase64(text[range], CertificateSourceFormat.Rfc9440)
                    : CertificateReadResult.Fail(CertificateReadError.InvalidStructuredField, "Client-Cert is not a structured-field byte sequence :base64:.");
            case CertificateSourceFormat.Xfcc:
                return ReadXfcc(text, options);
            case CertificateSourceFormat.Der:
                return CertificateReadResult.Fail(CertificateReadError.UnknownFormat, "Raw DER cannot be carried in text; read the bytes instead.");
            default:
                return CertificateReadResult.Fail(CertificateReadError.UnknownFormat, "The value is not base64, PEM, URL-encoded PEM, RFC 9440 or XFCC.");
        }
    }

    private static CertificateReadResult ReadXfcc(ReadOnlySpan<char> text, CertificateReaderOptions options)
    {
        var error = XfccParser.ParseFirstElement(text, out var cert, out var chainValue, out var message);
        if (error != CertificateReadError.None)
        {
            return CertificateReadResult.Fail(error, message!);
        }

        if (string.IsNullOrEmpty(cert))
        {
            return CertificateReadResult.Fail(CertificateReadError.NoCertificateInElement, "The first XFCC element has no Cert.");
        }

        List<X509Certificate2>? chain = null;
        if (!string.IsNullOrEmpty(chainValue))
        {
            chain = [];
            var chainResult = ReadUrlPem(chainValue, options, CertificateSourceFormat.Xfcc, chain, out var chainError);
            if (chainError != CertificateReadError.None)
            {
                DisposeAll(chain);
                return chainResult;
            }
        }

        var leaf = ReadUrlPem(cert, options, CertificateSourceFormat.Xfcc, null, out _);
        if (!leaf.Succeeded)
        {
            DisposeAll(chain);
            return leaf;
        }

        return chain is null ? leaf : CertificateReadResult.Success(new ForwardedCertificate(leaf.Value.Certificate, chain, CertificateSourceFormat.Xfcc));
    }

    /// <summary>Percent-decodes, then reads PEM (or bare base64); into <paramref name="many"/> when it is given.</summary>
    private static CertificateReadResult ReadUrlPem(ReadOnlySpan<char> text, CertificateReaderOptions options, CertificateSourceFormat reported, List<X509Certificate2>? many, out CertificateReadError error)
    {
        var buffer = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            error = TextDecoding.PercentDecode(text, buffer, out var written, out var message);
            if (error != CertificateReadError.None)
            {
                return CertificateReadResult.Fail(error, message!);
            }

            var decoded = buffer.AsSpan(0, written).Trim(" \t\r\n");
            if (decoded.IsEmpty)
            {
                error = CertificateReadError.Missing;
                return CertificateReadResult.Fail(error, "The URL-encoded value is blank.");
            }

            if (many is null)
            {
                var result = ReadPemOrBase64(decoded, reported);
                error = result.Error;
                return result;
            }

            var chainResult = ReadPemMany(decoded, options, many);
            error = chainResult.Error;
            return chainResult;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static CertificateReadResult ReadPemOrBase64(ReadOnlySpan<char> text, CertificateSourceFormat reported)
    {
        if (!text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            // PEM whose armour a proxy dropped is bare base64.
            return GuardedBase64(text, reported);
        }

        var blocks = new List<TextDecoding.PemBlock>(1);
        var error = TextDecoding.FindPemBlocks(text, blocks, 1, out var message);
        if (error == CertificateReadError.None)
        {
            error = TextDecoding.CheckLabel(text[blocks[0].Label], out message);
        }

        return error != CertificateReadError.None
            ? CertificateReadResult.Fail(error, message!)
            : GuardedBase64(text[blocks[0].Body], reported);
    }

    private static CertificateReadResult ReadPemMany(ReadOnlySpan<char> text, CertificateReaderOptions options, List<X509Certificate2> into)
    {
        var blocks = new List<TextDecoding.PemBlock>();
        var error = TextDecoding.FindPemBlocks(text, blocks, options.MaxChainLength, out var message);
        if (error != CertificateReadError.None)
        {
            return CertificateReadResult.Fail(error, message!);
        }

        foreach (var block in blocks)
        {
            error = TextDecoding.CheckLabel(text[block.Label], out message);
            if (error != CertificateReadError.None)
            {
                return CertificateReadResult.Fail(error, message!);
            }

            var one = GuardedBase64(text[block.Body], CertificateSourceFormat.Xfcc);
            if (!one.Succeeded)
            {
                return one;
            }

            into.Add(one.Value.Certificate);
        }

        return new CertificateReadResult(null, CertificateReadError.None, null);
    }

    private static CertificateReadResult GuardedBase64(ReadOnlySpan<char> base64, CertificateSourceFormat reported)
    {
        var error = TextDecoding.DecodeBase64(base64, out var rented, out var written, out var message);
        if (error != CertificateReadError.None)
        {
            return CertificateReadResult.Fail(error, message!);
        }

        try
        {
            return LoadSingle(rented.AsSpan(0, written), reported);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented!);
        }
    }

    private static CertificateReadResult LoadSingle(ReadOnlySpan<byte> der, CertificateSourceFormat reported)
    {
        var error = DerCertificate.TryLoad(der, out var certificate, out var message);
        return error == CertificateReadError.None
            ? CertificateReadResult.Success(new ForwardedCertificate(certificate!, [], reported))
            : CertificateReadResult.Fail(error, message!);
    }

    private static CertificateReadResult TooLarge(int length, CertificateReaderOptions options)
        => CertificateReadResult.Fail(CertificateReadError.TooLarge, $"The value is {length} long; the limit is {options.MaxValueLength}.");

    private static CertificateChainReadResult ChainFail(CertificateReadError error, string message) => new([], error, message);

    private static void DisposeAll(List<X509Certificate2>? certificates)
    {
        if (certificates is null)
        {
            return;
        }

        foreach (var c in certificates)
        {
            c.Dispose();
        }
    }
}

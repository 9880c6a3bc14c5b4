using System.Text;

namespace TppGate.Core.Certificates;

/// <summary>
/// Reads the first (leftmost) element of an Envoy <c>x-forwarded-client-cert</c> value: <c>key=value</c> pairs
/// separated by ';', elements by ','; values may be double-quoted with backslash escapes, and quoted values may
/// hold ',' and ';'.
/// </summary>
internal static class XfccParser
{
    public static bool StartsWithKnownKey(ReadOnlySpan<char> text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0)
        {
            return false;
        }

        var key = text[..eq];
        return key.Equals("By", StringComparison.OrdinalIgnoreCase)
            || key.Equals("Hash", StringComparison.OrdinalIgnoreCase)
            || key.Equals("Cert", StringComparison.OrdinalIgnoreCase)
            || key.Equals("Chain", StringComparison.OrdinalIgnoreCase)
            || key.Equals("Subject", StringComparison.OrdinalIgnoreCase)
            || key.Equals("URI", StringComparison.OrdinalIgnoreCase)
            || key.Equals("DNS", StringComparison.OrdinalIgnoreCase);
    }

    public static CertificateReadError ParseFirstElement(ReadOnlySpan<char> text, out string? cert, out string? chain, out string? message)
    {
        cert = null;
        chain = null;
        message = null;
        var i = 0;
        while (true)
        {
            var keyStart = i;
            while (i < text.Length && text[i] is not ('=' or ';' or ',' or '"'))
            {
                i++;
            }

            var key = text[keyStart..i].Trim(' ');
            if (i >= text.Length || text[i] != '=' || key.IsEmpty)
            {
                message = "An XFCC pair has no key=value form.";
                return CertificateReadError.InvalidXfcc;
            }

            i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var start = i;
                StringBuilder? unescaped = null;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\')
                    {
                        unescaped ??= new StringBuilder().Append(text[start..i]);
                        i++;
                        if (i >= text.Length)
                        {
                            break;
                        }
                    }

                    unescaped?.Append(text[i]);
                    i++;
                }

                if (i >= text.Length)
                {
                    message = "An XFCC quoted value has no closing quote.";
                    return CertificateReadError.InvalidXfcc;
                }

                value = unescaped?.ToString() ?? text[start..i].ToString();
                i++;
                while (i < text.Length && text[i] == ' ')
                {
                    i++;
                }

                if (i < text.Length && text[i] is not (';' or ','))
                {
                    message = "Text follows an XFCC quoted value.";
                    return CertificateReadError.InvalidXfcc;
                }
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] is not (';' or ','))
                {
                    if (text[i] == '"')
                    {
                        message = "A quote inside an unquoted XFCC value.";
                        return CertificateReadError.InvalidXfcc;
                    }

                    i++;
                }

                value = IsCertKey(key) || IsChainKey(key) ? text[start..i].Trim(' ').ToString() : string.Empty;
            }

            if (IsCertKey(key))
            {
                if (cert is not null)
                {
                    message = "The XFCC element has two Cert keys.";
                    return CertificateReadError.InvalidXfcc;
                }

                cert = value;
            }
            else if (IsChainKey(key))
            {
                if (chain is not null)
                {
                    message = "The XFCC element has two Chain keys.";
                    return CertificateReadError.InvalidXfcc;
                }

                chain = value;
            }

            if (i >= text.Length || text[i] == ',')
            {
                return CertificateReadError.None;
            }

            i++;
        }
    }

    private static bool IsCertKey(ReadOnlySpan<char> key) => key.Equals("Cert", StringComparison.OrdinalIgnoreCase);

    private static bool IsChainKey(ReadOnlySpan<char> key) => key.Equals("Chain", StringComparison.OrdinalIgnoreCase);
}

namespace TppGate.Core.Certificates;

/// <summary>
/// The parts of RFC 8941 structured fields that RFC 9440 needs: an item or list of byte sequences
/// (<c>:base64:</c>), each with parameters that must parse and are then ignored.
/// </summary>
internal static class StructuredFieldParser
{
    /// <summary>Parses an sf-item that must be a byte sequence; returns the base64 range.</summary>
    public static bool TryParseByteSequenceItem(ReadOnlySpan<char> text, out Range base64)
    {
        var i = SkipSpaces(text, 0);
        if (!TryParseByteSequence(text, ref i, out base64) || !TryParseParameters(text, ref i))
        {
            return false;
        }

        return SkipSpaces(text, i) == text.Length;
    }

    /// <summary>Parses an sf-list whose members must be byte sequences.</summary>
    public static bool TryParseByteSequenceList(ReadOnlySpan<char> text, List<Range> members)
    {
        var i = SkipSpaces(text, 0);
        if (i == text.Length)
        {
            return true;
        }

        while (true)
        {
            if (!TryParseByteSequence(text, ref i, out var member) || !TryParseParameters(text, ref i))
            {
                return false;
            }

            members.Add(member);
            i = SkipOws(text, i);
            if (i == text.Length)
            {
                return true;
            }

            if (text[i] != ',')
            {
                return false;
            }

            i = SkipOws(text, i + 1);
            if (i == text.Length)
            {
                return false;
            }
        }
    }

    private static bool TryParseByteSequence(ReadOnlySpan<char> text, ref int i, out Range base64)
    {
        base64 = default;
        if (i >= text.Length || text[i] != ':')
        {
            return false;
        }

        var start = ++i;
        while (i < text.Length && text[i] != ':')
        {
            if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '/' or '='))
            {
                return false;
            }

            i++;
        }

        if (i >= text.Length)
        {
            return false;
        }

        base64 = new Range(start, i);
        i++;
        return true;
    }

    private static bool TryParseParameters(ReadOnlySpan<char> text, ref int i)
    {
        while (i < text.Length && text[i] == ';')
        {
            i = SkipSpaces(text, i + 1);
            if (i >= text.Length || !(char.IsAsciiLetterLower(text[i]) || text[i] == '*'))
            {
                return false;
            }

            while (i < text.Length && (char.IsAsciiLetterLower(text[i]) || char.IsAsciiDigit(text[i]) || text[i] is '_' or '-' or '.' or '*'))
            {
                i++;
            }

            if (i < text.Length && text[i] == '=')
            {
                i++;
                if (!TryParseBareItem(text, ref i))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool TryParseBareItem(ReadOnlySpan<char> text, ref int i)
    {
        if (i >= text.Length)
        {
            return false;
        }

        var c = text[i];
        if (c == ':')
        {
            return TryParseByteSequence(text, ref i, out _);
        }

        if (c == '"')
        {
            i++;
            while (i < text.Length && text[i] != '"')
            {
                if (text[i] == '\\')
                {
                    i++;
                    if (i >= text.Length || text[i] is not ('"' or '\\'))
                    {
                        return false;
                    }
                }
                else if (text[i] is < ' ' or > '~')
                {
                    return false;
                }

                i++;
            }

            if (i >= text.Length)
            {
                return false;
            }

            i++;
            return true;
        }

        if (c == '?')
        {
            if (i + 1 >= text.Length || text[i + 1] is not ('0' or '1'))
            {
                return false;
            }

            i += 2;
            return true;
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            i++;
            var digits = c == '-' ? 0 : 1;
            var dot = false;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || (text[i] == '.' && !dot)))
            {
                dot |= text[i] == '.';
                digits += text[i] == '.' ? 0 : 1;
                i++;
            }

            return digits > 0 && digits <= 15 && text[i - 1] != '.';
        }

        if (char.IsAsciiLetter(c) || c == '*')
        {
            i++;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || ":/!#$%&'*+-.^_`|~".Contains(text[i])))
            {
                i++;
            }

            return true;
        }

        return false;
    }

    private static int SkipSpaces(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        return i;
    }

    private static int SkipOws(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }
}

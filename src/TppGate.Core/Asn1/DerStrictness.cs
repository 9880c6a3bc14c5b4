using System.Formats.Asn1;

namespace TppGate.Core.Asn1;

/// <summary>
/// Whether every value inside an encoding is in its one DER form (ITU-T X.690 clause 10 and 11), not just
/// its lengths: a BOOLEAN TRUE is 0xFF, an INTEGER is minimal, a BIT STRING's unused bits are zero, times
/// are in their fixed form, primitive types are never constructed and SET OF members are sorted.
/// </summary>
internal static class DerStrictness
{
    private const int MaxDepth = 32;

    /// <summary>Null when the whole encoding is DER, else what is not, for a finding.</summary>
    public static string? FindViolation(ReadOnlySpan<byte> encoding)
    {
        try
        {
            return Walk(encoding, 0);
        }
        catch (AsnContentException)
        {
            return "a length or tag is not in its DER form (X.690 clause 10.1, 8.1.2)";
        }
    }

    /// <summary>Null when <paramref name="content"/> is a sequence of DER values, each in its DER form.</summary>
    private static string? Walk(ReadOnlySpan<byte> content, int depth)
    {
        if (depth > MaxDepth)
        {
            return "nesting deeper than 32 levels";
        }

        while (!content.IsEmpty)
        {
            var tag = Asn1Tag.Decode(content, out _);
            AsnDecoder.ReadEncodedValue(content, AsnEncodingRules.DER, out var offset, out var length, out var consumed);
            var value = content.Slice(offset, length);
            if ((tag.TagClass == TagClass.Universal ? CheckUniversal(tag, value) : null) is { } problem)
            {
                return problem;
            }

            if (tag.IsConstructed && Walk(value, depth + 1) is { } inner)
            {
                return inner;
            }

            content = content[consumed..];
        }

        return null;
    }

    private static string? CheckUniversal(Asn1Tag tag, ReadOnlySpan<byte> value)
    {
        var number = (UniversalTagNumber)tag.TagValue;
        if (number is UniversalTagNumber.Sequence or UniversalTagNumber.Set)
        {
            if (!tag.IsConstructed)
            {
                return $"a {number} is encoded primitive";
            }

            return number == UniversalTagNumber.Set ? CheckSetOrder(value) : null;
        }

        if (tag.IsConstructed)
        {
            // X.690 clause 10.2: DER uses the primitive form wherever one exists.
            return $"a {number} is encoded in the constructed form (X.690 clause 10.2)";
        }

        return number switch
        {
            UniversalTagNumber.Boolean when value.Length != 1 || (value[0] != 0x00 && value[0] != 0xFF)
                => $"a BOOLEAN is encoded as {Convert.ToHexString(value)}, not 00 or FF (X.690 clause 11.1)",
            UniversalTagNumber.Integer or UniversalTagNumber.Enumerated when !IsMinimalInteger(value)
                => $"an {number} is not in its minimal encoding (X.690 clause 8.3.2)",
            UniversalTagNumber.BitString when !IsDerBitString(value)
                => "a BIT STRING has nonzero or out-of-range unused bits (X.690 clause 11.2)",
            UniversalTagNumber.Null when !value.IsEmpty
                => "a NULL has content (X.690 clause 8.8)",
            UniversalTagNumber.ObjectIdentifier when !IsMinimalOid(value)
                => "an OBJECT IDENTIFIER has a padded or truncated subidentifier (X.690 clause 8.19.2)",
            UniversalTagNumber.UtcTime when !IsTime(value, 12)
                => "a UTCTime is not YYMMDDHHMMSSZ (X.690 clause 11.8)",
            UniversalTagNumber.GeneralizedTime when !IsTime(value, 14)
                => "a GeneralizedTime is not YYYYMMDDHHMMSSZ (X.690 clause 11.7; RFC 5280 clause 4.1.2.5.2)",
            _ => null,
        };
    }

    private static bool IsMinimalInteger(ReadOnlySpan<byte> value)
        => value.Length == 1
            || (value.Length > 1 && !(value[0] == 0x00 && value[1] < 0x80) && !(value[0] == 0xFF && value[1] >= 0x80));

    private static bool IsDerBitString(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value[0] > 7 || (value.Length == 1 && value[0] != 0))
        {
            return false;
        }

        var unusedMask = (1 << value[0]) - 1;
        return value.Length == 1 || (value[^1] & unusedMask) == 0;
    }

    private static bool IsMinimalOid(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || (value[^1] & 0x80) != 0)
        {
            return false;
        }

        var startOfSubidentifier = true;
        foreach (var b in value)
        {
            if (startOfSubidentifier && b == 0x80)
            {
                return false;
            }

            startOfSubidentifier = (b & 0x80) == 0;
        }

        return true;
    }

    private static bool IsTime(ReadOnlySpan<byte> value, int digits)
    {
        if (value.Length != digits + 1 || value[^1] != (byte)'Z')
        {
            return false;
        }

        foreach (var b in value[..^1])
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    // X.690 clause 11.6: the members of a SET OF appear in ascending order of their encodings.
    private static string? CheckSetOrder(ReadOnlySpan<byte> content)
    {
        ReadOnlySpan<byte> previous = default;
        var first = true;
        while (!content.IsEmpty)
        {
            AsnDecoder.ReadEncodedValue(content, AsnEncodingRules.DER, out _, out _, out var consumed);
            var member = content[..consumed];
            if (!first && Compare(previous, member) > 0)
            {
                return "the members of a SET OF are not in ascending order (X.690 clause 11.6)";
            }

            previous = member;
            first = false;
            content = content[consumed..];
        }

        return null;
    }

    private static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        // The shorter is compared as if padded with trailing zero octets.
        var n = Math.Max(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = i < a.Length ? a[i] : 0;
            var y = i < b.Length ? b[i] : 0;
            if (x != y)
            {
                return x - y;
            }
        }

        return 0;
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;

namespace TppGate.Http.Logging;

/// <summary>
/// Makes a request value safe for a log line: control characters (C0, DEL, C1) and the Unicode line and
/// paragraph separators become <c>\uXXXX</c>, so no value can end a line and forge the next one. A value
/// without them is returned as is (no allocation).
/// </summary>
public static class LogValue
{
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        Enumerable.Range(0, 0xA0).Select(i => (char)i).Where(char.IsControl).Append('\u2028').Append('\u2029').Append('\\').ToArray());

    /// <summary>The escaped value; null stays null.</summary>
    public static string? Escape(string? value)
    {
        if (value is null || !value.AsSpan().ContainsAny(Unsafe))
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (Unsafe.Contains(c))
            {
                escaped.Append(c == '\\' ? "\\\\" : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}

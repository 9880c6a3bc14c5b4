using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TppGate.Core.Certificates;

/// <summary>
/// Ordinal equality for long header values (a certificate is 1.5 to 4 thousand characters), hashed with XxHash3
/// under a random seed per process: about half the cost of a look-up with the default ordinal comparer on such
/// values. Equality is always the exact ordinal comparison, so the hash only places values in buckets; it is no
/// security boundary and is never used as one.
/// </summary>
public sealed class HeaderValueComparer : IEqualityComparer<string>
{
    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));

    private HeaderValueComparer()
    {
    }

    /// <summary>The comparer.</summary>
    public static HeaderValueComparer Instance { get; } = new();

    /// <summary>The 64-bit hash of <paramref name="value"/>'s UTF-16 code units under this process's seed and <paramref name="salt"/>.</summary>
    public static ulong Hash(ReadOnlySpan<char> value, long salt = 0)
        => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value), Seed ^ salt);

    /// <inheritdoc />
    public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

    /// <inheritdoc />
    public int GetHashCode(string obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = Hash(obj);
        return (int)hash ^ (int)(hash >> 32);
    }
}

using TppGate.Core.Certificates;
using TppGate.Pki;

namespace TppGate.Core.Tests.Certificates;

public sealed class HeaderValueComparerTests
{
    [Fact]
    public void Equal_values_in_different_strings_are_equal_and_hash_alike_and_any_difference_is_unequal()
    {
        var comparer = HeaderValueComparer.Instance;
        var value = PkiExport.Base64Der(CertificateCatalogue.Shared.IssuingCa.Certificate);
        var copy = new string(value.AsSpan());
        var lastCharacterChanged = value[..^1] + (value[^1] == 'A' ? 'B' : 'A');

        Assert.NotSame(value, copy);
        Assert.True(comparer.Equals(value, copy));
        Assert.Equal(comparer.GetHashCode(value), comparer.GetHashCode(copy));
        Assert.False(comparer.Equals(value, lastCharacterChanged));
        Assert.False(comparer.Equals(value, value.ToLowerInvariant()));
        Assert.False(comparer.Equals(value, null));
        Assert.NotEqual(HeaderValueComparer.Hash(value), HeaderValueComparer.Hash(lastCharacterChanged));
        Assert.NotEqual(HeaderValueComparer.Hash(value), HeaderValueComparer.Hash(value, salt: 1));
    }
}

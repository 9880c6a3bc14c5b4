using TppGate.Azure.Tables;

namespace TppGate.Azure.Tests.Tables;

public sealed class BindingKeysTests
{
    public static TheoryData<string> ClientIds() =>
    [
        "client-1", "a/b", "a\\b", "a#b", "a?b", "a%2Fb", "a~b", "a\u0000b", "a\u007fb", "a\u009fb", "' or 1 eq 1", "élan-😀",
    ];

    [Theory]
    [MemberData(nameof(ClientIds))]
    public void Escaped_key_has_no_forbidden_characters_and_reverses(string clientId)
    {
        var key = BindingKeys.ClientKey(clientId);

        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' or '\'' or '~' || char.IsControl(c));
        Assert.Equal(clientId, BindingKeys.Unescape(key));
    }

    [Fact]
    public void Distinct_client_ids_get_distinct_keys()
    {
        string[] ids =
        [
            "a/b", "A/B", "a%2Fb", "a%252Fb", "a_2Fb", "a%2fb", "a\u0000", "a\u0001", "a", "a.",
            new string('/', 200) + "a", new string('/', 200) + "b", "~" + new string('0', 64),
            new string('x', BindingKeys.MaxClientIdLength), new string('x', BindingKeys.MaxClientIdLength - 1),
        ];

        var keys = ids.Select(BindingKeys.ClientKey).ToList();

        Assert.Equal(ids.Length, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Long_escaped_ids_become_a_short_hash_key()
    {
        var key = BindingKeys.ClientKey(new string('/', BindingKeys.MaxClientIdLength));

        Assert.StartsWith("~", key, StringComparison.Ordinal);
        Assert.Equal(65, key.Length);
    }

    [Fact]
    public void Empty_blank_or_broken_client_ids_are_invalid()
    {
        // Built in code: attribute arguments cannot carry lone surrogates.
        string?[] invalid = [null, "", "   ", "a" + (char)0xD800, (char)0xDC00 + "a", "a" + (char)0xDC00 + (char)0xD800 + "b"];

        Assert.All(invalid, id => Assert.False(BindingKeys.IsValidClientId(id)));
        Assert.True(BindingKeys.IsValidClientId("a" + (char)0xD83D + (char)0xDE00));
    }

    [Fact]
    public void Client_ids_longer_than_the_limit_are_invalid()
    {
        Assert.True(BindingKeys.IsValidClientId(new string('x', BindingKeys.MaxClientIdLength)));
        Assert.False(BindingKeys.IsValidClientId(new string('x', BindingKeys.MaxClientIdLength + 1)));
        Assert.Throws<ArgumentException>(() => BindingKeys.ClientKey(new string('x', BindingKeys.MaxClientIdLength + 1)));
    }
}

using TppGate.Core.Authorization;

namespace TppGate.Core.Tests.Authorization;

public sealed class TwoGenerationCacheTests
{
    [Fact]
    public void A_flood_of_one_off_keys_stays_within_capacity()
    {
        var cache = new TwoGenerationCache<int, int>(1_000);
        for (var i = 0; i < 100_000; i++)
        {
            cache.Set(i, i);
        }

        Assert.InRange(cache.Count, 1, 1_000);
    }

    [Fact]
    public void A_key_used_between_floods_of_new_keys_stays_cached()
    {
        var cache = new TwoGenerationCache<int, string>(1_000);
        cache.Set(-1, "hot");
        for (var i = 0; i < 50_000; i++)
        {
            cache.Set(i, "cold");
            if (i % 400 == 0)
            {
                Assert.True(cache.TryGet(-1, out var value));
                Assert.Equal("hot", value);
            }
        }
    }

    [Fact]
    public void A_removed_key_is_gone_from_both_generations()
    {
        var cache = new TwoGenerationCache<int, int>(4);
        cache.Set(1, 1);
        cache.Set(2, 2);
        cache.Set(3, 3);
        cache.Remove(1);

        Assert.False(cache.TryGet(1, out _));
        Assert.True(cache.TryGet(3, out _));
    }
}

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
    public void With_a_weight_a_flood_of_heavy_keys_leaves_fewer_entries_and_light_keys_are_unaffected()
    {
        var cache = new TwoGenerationCache<int, int>(100, key => key < 0 ? 10 : 1);
        for (var i = 1; i <= 10_000; i++)
        {
            cache.Set(-i, i);
        }

        // Weight 10 against a capacity of 100 units: at most 5 per generation, plus the insertion that rotates it.
        Assert.InRange(cache.Count, 1, 12);

        for (var i = 1; i <= 90; i++)
        {
            cache.Set(i, i);
        }

        Assert.InRange(cache.Count, 50, 100);
        Assert.True(cache.TryGet(90, out var value));
        Assert.Equal(90, value);
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

public sealed class TwoGenerationCacheRaceTests
{
    [Fact]
    public async Task Removals_in_the_smallest_cache_finish_and_count_against_its_capacity()
    {
        // Generation size 1: every tombstone fills a generation, so a removal that rotated under itself would never end.
        var cache = new TwoGenerationCache<int, int>(2);
        var served = 0;
        await Task.Run(() =>
        {
            for (var k = 0; k < 1_000; k++)
            {
                cache.Set(k, k);
                cache.Remove(k);
                served += cache.TryGet(k, out _) ? 1 : 0;
            }
        }, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(0, served);
        Assert.InRange(cache.Count, 0, 2);
    }

    private const int KeysPerRound = 256;

    /// <summary>
    /// Threads promote keys out of the previous generation while others invalidate the same keys: once every
    /// thread has finished, no invalidated key may still be served. Bounded by rounds and by wall time.
    /// </summary>
    [Fact]
    public void Invalidation_racing_a_promotion_from_the_previous_generation_always_wins()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var threads = Math.Max(2, Environment.ProcessorCount);
        var survivors = 0;
        for (var round = 0; round < 2_000 && DateTime.UtcNow < deadline && survivors == 0; round++)
        {
            // Generation size KeysPerRound: the keys fill one generation and move to the previous one.
            var cache = new TwoGenerationCache<int, int>(2 * KeysPerRound);
            for (var k = 0; k < KeysPerRound; k++)
            {
                cache.Set(k, k);
            }

            using var start = new ManualResetEventSlim();
            var workers = new Thread[threads];
            for (var t = 0; t < threads; t++)
            {
                var invalidator = t % 2 == 1;
                workers[t] = new Thread(() =>
                {
                    start.Wait();
                    for (var k = 0; k < KeysPerRound; k++)
                    {
                        if (invalidator)
                        {
                            cache.Remove(k);
                        }
                        else
                        {
                            cache.TryGet(k, out _);
                        }
                    }
                });
                workers[t].Start();
            }

            start.Set();
            foreach (var w in workers)
            {
                w.Join();
            }

            for (var k = 0; k < KeysPerRound; k++)
            {
                if (cache.TryGet(k, out _))
                {
                    survivors++;
                }
            }
        }

        Assert.Equal(0, survivors);
    }
}

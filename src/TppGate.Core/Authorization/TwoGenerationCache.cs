using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace TppGate.Core.Authorization;

/// <summary>
/// A bounded cache with two generations: new entries go to the current one; when it fills, it becomes the
/// previous one and the old previous is dropped. A hit in the previous generation moves the entry forward,
/// so entries used at least once per half-capacity insertions stay, and a flood of one-off keys costs at
/// most <c>capacity</c> entries. Reads take no lock. With a weight function, a generation fills by the weights of
/// the keys inserted rather than their number, so keys that hold more memory (long strings) leave fewer entries.
/// </summary>
/// <remarks>
/// <see cref="Remove"/> writes a tombstone into the current generation instead of only deleting, and a
/// promotion may only add to the current generation where no tombstone stands (compare-and-swap through
/// <c>TryAdd</c>). So an invalidation that overlaps a promotion always wins: either the promotion finds the
/// tombstone and misses, or the tombstone overwrites what the promotion added. A promotion that sees the
/// generations rotate under it withdraws its entry and misses, and a removal repeats until it wrote into the
/// generation that is current when it finishes.
/// </remarks>
internal sealed class TwoGenerationCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _generationSize;
    private readonly Func<TKey, int>? _weigh;
    private readonly Lock _rotateLock = new();
    private Generation _current = new();
    private Generation _previous = new();

    /// <param name="capacity">Entries (or, with <paramref name="weigh"/>, weight units) both generations hold at most, give or take one entry.</param>
    /// <param name="weigh">Units a key counts for, at least 1; null counts every key as 1.</param>
    public TwoGenerationCache(int capacity, Func<TKey, int>? weigh = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _generationSize = capacity / 2;
        _weigh = weigh;
    }

    /// <summary>
    /// The values cached now, tombstones not included (a walk over both generations: for health and metrics, never
    /// on the request path). The generations' own counters also count tombstones, which is what bounds memory.
    /// </summary>
    public int Count => Live(Volatile.Read(ref _current)) + Live(Volatile.Read(ref _previous));

    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        var current = Volatile.Read(ref _current);
        if (current.Map.TryGetValue(key, out var slot))
        {
            return Unwrap(slot, out value);
        }

        var previous = Volatile.Read(ref _previous);
        if (!previous.Map.TryGetValue(key, out var old) || old.Removed)
        {
            value = default;
            return false;
        }

        return Promote(key, current, previous, old, out value);
    }

    public void Set(TKey key, TValue value) => Add(Volatile.Read(ref _current), key, new Slot(value), overwrite: true);

    public void Remove(TKey key)
    {
        Generation current;
        bool added;
        while (true)
        {
            current = Volatile.Read(ref _current);
            added = current.Map.TryAdd(key, Slot.Tombstone);
            if (!added)
            {
                current.Map[key] = Slot.Tombstone;
            }

            var previous = Volatile.Read(ref _previous);
            if (previous.Map.TryGetValue(key, out var old) && !old.Removed)
            {
                previous.Map.TryRemove(KeyValuePair.Create(key, old));
            }

            // A rotation in between may have moved the tombstone into the previous generation while a promotion
            // adds to the new current one: write it again where readers look first.
            if (ReferenceEquals(Volatile.Read(ref _current), current))
            {
                break;
            }
        }

        // Counted only once written where it stays, so a removal never rotates the generations under itself.
        if (added)
        {
            CountInsertion(current, key);
        }
    }

    public void Clear()
    {
        lock (_rotateLock)
        {
            Volatile.Write(ref _previous, new Generation());
            Volatile.Write(ref _current, new Generation());
        }
    }

    private bool Promote(TKey key, Generation current, Generation previous, Slot old, [MaybeNullWhen(false)] out TValue value)
    {
        if (!current.Map.TryAdd(key, old))
        {
            // Someone else wrote first: a newer value, another promotion of the same entry, or a tombstone.
            value = default;
            return current.Map.TryGetValue(key, out var now) && Unwrap(now, out value);
        }

        if (!ReferenceEquals(Volatile.Read(ref _current), current))
        {
            // The generations rotated during the promotion: a removal may have tombstoned the new current
            // generation only. Withdraw the entry (only if it is still ours) and let storage answer.
            current.Map.TryRemove(KeyValuePair.Create(key, old));
            value = default;
            return false;
        }

        previous.Map.TryRemove(KeyValuePair.Create(key, old));
        CountInsertion(current, key);
        value = old.Value!;
        return true;
    }

    private void Add(Generation generation, TKey key, Slot slot, bool overwrite)
    {
        if (generation.Map.TryAdd(key, slot))
        {
            CountInsertion(generation, key);
        }
        else if (overwrite)
        {
            generation.Map[key] = slot;
        }
    }

    private void CountInsertion(Generation generation, TKey key)
    {
        var weight = _weigh is null ? 1 : Math.Max(1, _weigh(key));
        if (Interlocked.Add(ref generation.Count, weight) >= _generationSize)
        {
            Rotate(generation);
        }
    }

    private static int Live(Generation generation)
    {
        var live = 0;
        foreach (var entry in generation.Map)
        {
            if (!entry.Value.Removed)
            {
                live++;
            }
        }

        return live;
    }

    private static bool Unwrap(Slot slot, [MaybeNullWhen(false)] out TValue value)
    {
        value = slot.Value;
        return !slot.Removed;
    }

    private void Rotate(Generation full)
    {
        lock (_rotateLock)
        {
            if (!ReferenceEquals(_current, full))
            {
                return;
            }

            Volatile.Write(ref _previous, full);
            Volatile.Write(ref _current, new Generation());
        }
    }

    /// <summary>A cached value, or the tombstone a removal leaves. Compared by reference, so a promotion can only withdraw its own entry.</summary>
    private sealed class Slot(TValue? value, bool removed = false)
    {
        public static readonly Slot Tombstone = new(default, removed: true);

        public TValue? Value { get; } = value;

        public bool Removed { get; } = removed;
    }

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<TKey, Slot> Map = new();
        public int Count;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace TppGate.Core.Authorization;

/// <summary>
/// A bounded cache with two generations: new entries go to the current one; when it fills, it becomes the
/// previous one and the old previous is dropped. A hit in the previous generation moves the entry forward,
/// so entries used at least once per half-capacity insertions stay, and a flood of one-off keys costs at
/// most <c>capacity</c> entries. Reads take no lock.
/// </summary>
internal sealed class TwoGenerationCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _generationSize;
    private readonly Lock _rotateLock = new();
    private Generation _current = new();
    private Generation _previous = new();

    public TwoGenerationCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _generationSize = capacity / 2;
    }

    public int Count => Volatile.Read(ref _current).Count + Volatile.Read(ref _previous).Count;

    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        var current = Volatile.Read(ref _current);
        if (current.Map.TryGetValue(key, out value))
        {
            return true;
        }

        var previous = Volatile.Read(ref _previous);
        if (previous.Map.TryRemove(key, out value))
        {
            Set(key, value);
            return true;
        }

        return false;
    }

    public void Set(TKey key, TValue value)
    {
        var current = Volatile.Read(ref _current);
        if (current.Map.TryAdd(key, value))
        {
            if (Interlocked.Increment(ref current.Count) >= _generationSize)
            {
                Rotate(current);
            }
        }
        else
        {
            current.Map[key] = value;
        }
    }

    public void Remove(TKey key)
    {
        // Both generations: a concurrent promotion may be moving the key between them.
        Volatile.Read(ref _current).Map.TryRemove(key, out _);
        Volatile.Read(ref _previous).Map.TryRemove(key, out _);
    }

    public void Clear()
    {
        lock (_rotateLock)
        {
            Volatile.Write(ref _previous, new Generation());
            Volatile.Write(ref _current, new Generation());
        }
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

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<TKey, TValue> Map = new();
        public int Count;
    }
}

using System.Runtime.InteropServices;

namespace TppGate.Core.Authorization;

/// <summary>
/// A cache's hit and miss counts since start, for the hit-ratio metric. The warm allow path adds one with a single
/// interlocked increment: no lock, no allocation. The padding keeps the two counters off the cache lines of the
/// owner's other fields (the binding cache reads its feed time and pending count on every look-up), so counting
/// does not slow those reads on other cores.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct LookupCounts
{
    [FieldOffset(64)]
    private long _hits;

    [FieldOffset(72)]
    private long _misses;

    public readonly long Hits => Volatile.Read(in _hits);

    public readonly long Misses => Volatile.Read(in _misses);

    public void Hit() => Interlocked.Increment(ref _hits);

    public void Miss() => Interlocked.Increment(ref _misses);
}

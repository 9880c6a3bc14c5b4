namespace TppGate.Cli;

/// <summary>A clock stopped at one instant: <c>--at</c> validates as of that time.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

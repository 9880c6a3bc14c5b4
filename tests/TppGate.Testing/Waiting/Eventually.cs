namespace TppGate.Testing.Waiting;

/// <summary>Polls a condition until it holds or a bound passes: for behaviour promised "within N seconds".</summary>
public static class Eventually
{
    public static async Task<bool> WithinAsync(TimeSpan bound, Func<Task<bool>> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100, Xunit.TestContext.Current.CancellationToken);
        }
    }
}

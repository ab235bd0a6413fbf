namespace Rx.Mediation.Specs.Support;

public static class Wait
{
    /// <summary>Waits for a condition on real threads, failing with <paramref name="what"/> after a generous bound.</summary>
    public static async Task Until(Func<bool> condition, string what, int timeoutMs = 15_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException($"timed out waiting for: {what}");
            await Task.Delay(5);
        }
    }
}

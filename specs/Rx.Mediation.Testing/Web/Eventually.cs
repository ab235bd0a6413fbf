namespace Rx.Mediation.Testing;

/// <summary>Bounded waits for conditions: the specs never sleep for a fixed time and then assert.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"timed out waiting until {because}");
            await Task.Delay(10);
        }
    }
}

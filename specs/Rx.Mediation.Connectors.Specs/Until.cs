namespace Rx.Mediation.Connectors.Specs;

/// <summary>A bounded wait for a condition: the specs never sleep for a fixed time and then assert.</summary>
internal static class Until
{
    public static async Task TrueAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"timed out waiting until {because}");
            await Task.Delay(5);
        }
    }
}

using Rx.Mediation.Testing;

namespace Rx.Mediation.RabbitMq.Specs.Support;

/// <summary><see cref="Eventually"/> with the state described at the moment it timed out, for failures under load.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string because, Func<string> state, TimeSpan? timeout = null)
    {
        try
        {
            await Eventually.TrueAsync(condition, because, timeout);
        }
        catch (ShouldAssertException ex)
        {
            throw new ShouldAssertException($"{ex.Message}; state: {state()}", ex);
        }
    }
}

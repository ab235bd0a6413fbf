using System.Collections.Concurrent;
using System.Net;

namespace Rx.Mediation.Testing;

/// <summary>
/// Numbered events POSTed by several concurrent requesters, for specs that disturb a broker while events flow: which
/// were accepted (202), how many were refused, and how far the load has got.
/// </summary>
public sealed class PostLoad
{
    private readonly ConcurrentBag<string> _accepted = [];
    private int _next = -1;
    private int _refused;
    private readonly int _total;

    private PostLoad(int total) => _total = total;

    /// <summary>The bodies the server answered 202.</summary>
    public IReadOnlyCollection<string> Accepted => _accepted;

    public int Refused => Volatile.Read(ref _refused);

    /// <summary>How many requests have been started so far.</summary>
    public int Started => Math.Min(Volatile.Read(ref _next) + 1, _total);

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Posts events <c>p000</c>, <c>p001</c>, … and waits for every answer, each of which must be 202: the bodies.</summary>
    public static async Task<IReadOnlyCollection<string>> AllAcceptedAsync(RunningServer server, string topic, int total)
    {
        var load = Start(server, topic, total, i => $"p{i:D3}");
        await load.Completion;
        load.Accepted.Count.ShouldBe(total);
        return load.Accepted;
    }

    /// <param name="body">The body of event <c>i</c> (0-based).</param>
    /// <param name="before">Awaited before event <c>i</c> is posted, e.g. to hold part of the load until a broker is down.</param>
    public static PostLoad Start(RunningServer server, string topic, int total, Func<int, string> body, int concurrency = 4, Func<int, Task>? before = null)
    {
        var load = new PostLoad(total);
        load.Completion = Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref load._next)) < total)
            {
                if (before is not null) await before(i);
                var text = body(i);
                using var response = await server.PostAsync(topic, text);
                if (response.StatusCode == HttpStatusCode.Accepted) load._accepted.Add(text);
                else Interlocked.Increment(ref load._refused);
            }
        })));
        return load;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Testing;
using Xunit.Abstractions;

namespace Rx.Mediation.Config.Specs;

/// <summary>
/// An endpoint, then an entrypoint, changed again and again while HTTP clients post without pause: the new instance
/// and its routes are built before the switch, so no POST finds "no route" (404) or is turned away (503), and every
/// accepted event arrives exactly once.
/// Events reach a recorder through a second memory endpoint on the same in-process broker, which never changes.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class SwapUnderLoadSpecs(ITestOutputHelper output)
{
    private const int Rewrites = 10;
    private const int Posters = 4;

    private static string Config(string sinkSubscriptions = "none/#", long maxBodyBytes = 1_048_576) => $$"""
        server:
          reload-debounce: 50ms
        entrypoints:
          webhook: { type: http, path: /events, max-body-bytes: {{maxBodyBytes}} }
        endpoints:
          sink: { type: memory, subscriptions: '{{sinkSubscriptions}}' }
          tap: { type: memory }
        routes:
          - name: ingress
            from: webhook
            to: sink
          - name: tapped
            from: tap
            to: recorder
        """;

    [Fact]
    public async Task Changing_an_endpoint_under_steady_posts_answers_no_404_and_every_accepted_event_arrives()
    {
        var outcome = await RunAsync(i => Config(sinkSubscriptions: i % 2 == 1 ? "nothing/#" : "none/#"));

        outcome.Codes.Keys.ToList().ShouldBe([HttpStatusCode.Accepted], "every POST was accepted: no 404 and no 503 during the swaps");
        outcome.IngressRuntimes.ShouldBe(Rewrites + 1, "each change of the endpoint rebuilt the route to it");
    }

    [Fact]
    public async Task Changing_an_entrypoint_under_steady_posts_answers_no_404_and_every_accepted_event_arrives()
    {
        var outcome = await RunAsync(i => Config(maxBodyBytes: i % 2 == 1 ? 2_097_152 : 1_048_576));

        outcome.Codes.Keys.ToList().ShouldBe([HttpStatusCode.Accepted], "every POST was accepted: requests still on the old instance go to the new one's routes");
        outcome.IngressRuntimes.ShouldBe(Rewrites + 1);
    }

    private async Task<Outcome> RunAsync(Func<int, string> version)
    {
        using var files = new ConfigFiles(version(0));
        var recorder = new RecordingNode("recorder");
        await using var server = await files.StartAsync(b => b.Nodes.Add(recorder));
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        var runtime = server.App.Services.GetRequiredService<ConfigRuntime>();
        var answers = new ConcurrentQueue<Answer>();

        using var stop = new CancellationTokenSource();
        var posters = Enumerable.Range(0, Posters).Select(p => Task.Run(() => PostAsync(server, p, answers, stop.Token))).ToList();
        await Eventually.TrueAsync(() => answers.Count > 100, "the posts are flowing");
        for (var i = 1; i <= Rewrites; i++)
        {
            var before = answers.Count;
            files.Write(version(i));
            await Eventually.TrueAsync(() => status.Current.Version == i + 1, $"rewrite {i} was applied");
            await Eventually.TrueAsync(() => answers.Count > before + 50, "posts went on across the rewrite");
        }
        stop.Cancel();
        await Task.WhenAll(posters);

        var accepted = answers.Where(a => a.Code == HttpStatusCode.Accepted).Select(a => a.Id!).ToList();
        await Eventually.TrueAsync(() => recorder.Count >= accepted.Count, "every accepted event reached the recorder");
        var recorded = recorder.Received.Select(e => e.Id).ToList();
        var codes = answers.GroupBy(a => a.Code).ToDictionary(g => g.Key, g => g.Count());
        var ingress = runtime.RouteHistory.Where(r => r.Name == "ingress").ToList();
        foreach (var route in ingress)
        {
            var c = route.Counters;
            output.WriteLine($"{route.Name} {route.State,-9} offered {c.Offered,6} emitted {c.Emitted,6} dropped {c.Dropped.Total} failed {c.Failed}");
        }
        foreach (var error in answers.Where(a => a.Error is not null).GroupBy(a => a.Error)) output.WriteLine($"{error.Count()} × {error.Key}");
        output.WriteLine($"{answers.Count} posts: {string.Join(", ", codes.Select(c => $"{(int)c.Key} × {c.Value}"))}; {recorded.Count} recorded");

        recorded.Order().ShouldBe(accepted.Order(), "each accepted event arrived exactly once, and nothing else did");
        answers.Where(a => a.Code == HttpStatusCode.ServiceUnavailable).ShouldAllBe(a => a.RetryAfter != null, "a refusal says when to retry");
        ingress.ShouldAllBe(r => r.Counters.Offered == r.Counters.Emitted + r.Counters.Failed + r.Counters.Dropped.Total + r.Counters.DiscardedAfterCompletion);
        ingress.Take(ingress.Count - 1).ShouldAllBe(r => r.State == RouteState.Completed, "replaced routes drained and completed");
        return new Outcome(codes, ingress.Count);
    }

    private static async Task PostAsync(RunningServer server, int poster, ConcurrentQueue<Answer> answers, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            using var response = await server.PostAsync("events", $$"""{"poster":{{poster}},"n":{{n}}}""", "application/json");
            var text = await response.Content.ReadAsStringAsync();
            string? id = null;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                using var json = JsonDocument.Parse(text);
                id = json.RootElement.GetProperty("id").GetString();
            }
            answers.Enqueue(new Answer(response.StatusCode, id, response.Headers.RetryAfter?.ToString(), id is null ? text : null));
        }
    }

    private sealed record Answer(HttpStatusCode Code, string? Id, string? RetryAfter, string? Error);

    private sealed record Outcome(Dictionary<HttpStatusCode, int> Codes, int IngressRuntimes);
}

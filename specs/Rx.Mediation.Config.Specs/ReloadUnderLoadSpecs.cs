using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Testing;
using Xunit.Abstractions;

namespace Rx.Mediation.Config.Specs;

/// <summary>
/// 50 rewrites of the file (filters changed, a route, an endpoint and an SSE entrypoint with its client added and
/// removed, invalid files in between) while ~10,000 events/s flow. The load comes from an in-process entrypoint node: HTTP clients on two shared cores
/// cannot reach 10,000 requests/s, so two HTTP posters run beside it at whatever rate they reach, to show that web
/// clients are never refused either.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class ReloadUnderLoadSpecs(ITestOutputHelper output)
{
    private const int EventsPerSecond = 10_000;
    private const int Rewrites = 50;

    [Fact]
    public async Task Fifty_rewrites_under_load_lose_nothing_and_invalid_writes_never_interrupt_the_flow()
    {
        using var files = new ConfigFiles(Version(0));
        var load = new LoadSource("load");
        await using var server = await files.StartAsync(b => b.Nodes.Add(load));
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        var runtime = server.App.Services.GetRequiredService<ConfigRuntime>();
        var all = server.Engine.FindRoute("all")!;

        using var stop = new CancellationTokenSource();
        var sender = Task.Run(() => load.Run(EventsPerSecond, stop.Token));
        var posters = Enumerable.Range(0, 2).Select(_ => Task.Run(() => Post(server, stop.Token))).ToList();
        await Eventually.TrueAsync(() => load.Accepted > 1000, "the load is flowing");

        var invalid = 0;
        var feedClients = 0;
        SseClient? feed = null;
        for (var i = 1; i <= Rewrites; i++)
        {
            if (i % 7 == 3)
            {
                var before = status.Current.LastError?.At;
                var sentBefore = load.Accepted;
                files.Write(Version(i).Replace("- where:", $"- filter{i}:"));
                await Eventually.TrueAsync(() => status.Current.LastError?.At != before, $"invalid write {i} was refused", TimeSpan.FromSeconds(10));
                await Eventually.TrueAsync(() => load.Accepted > sentBefore + 100, "events kept flowing while the invalid file stood");
                invalid++;
            }
            else
            {
                var version = status.Current.Version;
                files.Write(Version(i));
                await Eventually.TrueAsync(() => status.Current.Version == version + 1, $"write {i} was applied", TimeSpan.FromSeconds(10));
                if (i % 2 == 1 && feed is null)
                {
                    // The entrypoint answers as soon as its version is applied, and its route feeds it.
                    feed = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/extra-feed?topic=events"));
                    feed.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
                    await feed.NextAsync();
                    feedClients++;
                }
                else if (i % 2 == 0 && feed is not null)
                {
                    // Removed: its client's stream ended, it was not left hanging.
                    await feed.Ended.WaitAsync(Eventually.DefaultTimeout);
                    await feed.DisposeAsync();
                    feed = null;
                    using var gone = await server.Http.GetAsync("/extra-feed?topic=events", HttpCompletionOption.ResponseHeadersRead);
                    gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
                }
            }
        }
        if (feed is not null) await feed.DisposeAsync();
        var elapsed = load.Elapsed;
        stop.Cancel();
        await sender;
        var codes = (await Task.WhenAll(posters)).SelectMany(c => c).ToList();

        var routes = runtime.RouteHistory.Concat(server.Engine.Routes).Distinct().ToList();
        await Eventually.TrueAsync(() => routes.All(Balanced), "every route has accounted for every event it was offered");

        foreach (var route in routes)
        {
            var c = route.Counters;
            output.WriteLine($"{route.Name,-9} {route.State,-9} offered {c.Offered,8} emitted {c.Emitted,8} filtered {route.Filtered,8} failed {c.Failed} dropped {c.Dropped.Total} discarded {c.DiscardedAfterCompletion}");
        }
        output.WriteLine($"{load.Accepted} events in {elapsed.TotalSeconds:0.0} s ({load.Accepted / elapsed.TotalSeconds:0} /s), {codes.Count} HTTP posts, {routes.Count} route runtimes, {invalid} invalid writes, {feedClients} SSE clients of the extra entrypoint");

        load.Refused.ShouldBe(0, "no event from the load was refused or found no route");
        codes.ShouldAllBe(c => c == HttpStatusCode.Accepted);
        codes.Count.ShouldBeGreaterThan(0);
        server.Engine.FindRoute("all").ShouldBeSameAs(all, "a route whose text never changed ran untouched through all rewrites");
        routes.Count(r => r.Name == "extra").ShouldBeGreaterThanOrEqualTo(10, "the extra route came and went");
        feedClients.ShouldBeGreaterThanOrEqualTo(10, "the extra entrypoint came and went, with a client each time");
        routes.Sum(r => r.Counters.Failed).ShouldBe(0);
        (load.Accepted / elapsed.TotalSeconds).ShouldBeGreaterThan(EventsPerSecond * 0.5, "the load ran near its target rate");
        status.Current.Version.ShouldBe(1 + Rewrites - invalid);
    }

    private static bool Balanced(RouteRuntime route)
    {
        var c = route.Counters;
        return c.Offered == c.Emitted + route.Filtered + c.Failed + c.Dropped.Total + c.DiscardedAfterCompletion;
    }

    /// <summary>
    /// Version i: a new threshold on 'filtered' every time; on odd versions an extra endpoint and a route to it, and an
    /// extra SSE entrypoint fed by a thin route.
    /// </summary>
    private static string Version(int i)
    {
        var extraEndpoint = i % 2 == 1 ? "  extra: { type: memory, subscriptions: 'none/#' }\n" : "";
        var extraEntrypoint = i % 2 == 1 ? "  extra-feed: { type: sse, path: /extra-feed }\n" : "";
        var extraRoute = i % 2 == 1 ? """
              - name: extra
                from: load
                pipeline:
                  - where: "json.n < 500"
                to: extra
              - name: extra-out
                from: load
                pipeline:
                  - where: "json.n < 2"
                to: extra-feed

            """ : "";
        return $$"""
            server:
              reload-debounce: 50ms
            entrypoints:
              webhook: { type: http, path: /events }
            {{extraEntrypoint}}
            endpoints:
              sink: { type: memory, subscriptions: 'none/#' }
            {{extraEndpoint}}
            routes:
              - name: all
                from: [load, webhook]
                to: sink
                bridge: { capacity: 10000 }
              - name: filtered
                from: load
                pipeline:
                  - where: "json.n > {{i * 37 % 1000}}"
                to: sink
                bridge: { capacity: 10000 }
            {{extraRoute}}
            """;
    }

    private static async Task<List<HttpStatusCode>> Post(RunningServer server, CancellationToken stop)
    {
        var codes = new List<HttpStatusCode>();
        while (!stop.IsCancellationRequested)
        {
            using var response = await server.PostAsync("events", """{"n": 1}""", "application/json");
            codes.Add(response.StatusCode);
        }
        return codes;
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Engine;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Operations.Metrics;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Operations.Metrics;

public sealed class MetricsEndpointSpecs
{
    /// <summary>A route name with every character the label escaping handles.</summary>
    private const string Orders = "orders \"EU\"\\west\nsecond line";

    private const string Events = "rx_mediation_route_events_total";

    [Fact]
    public async Task After_a_known_workload_the_counters_on_metrics_equal_the_engines_own_and_deliveries_have_latencies()
    {
        var blocked = new RecordingNode("blocked", blocked: true);
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(blocked);
            var table = new RouteTable();
            table.FromTopic("http", "orders/#").Named(Orders).Where(e => e.Text != "skip").To("memory");
            table.From("memory").Named("egress").To("sse");
            table.FromTopic("http", "slow/#").Named("slow").Bridge(1, OverflowStrategy.DropNew).To("blocked");
            b.Routes = [.. table];
        });
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=orders/%23"));
        var posts = 0;

        // Five events reach the SSE client; one is filtered by the route's Where.
        for (var i = 0; i < 5; i++, posts++) await server.PostAcceptedAsync("orders/1", $"keep-{i}");
        await server.PostAcceptedAsync("orders/1", "skip");
        posts++;
        for (var i = 0; i < 5; i++) (await sse.NextAsync()).Data.ShouldBe($"keep-{i}");

        // The slow route: one event blocks its target, one waits in the bridge (capacity 1), the next is dropped (drop-new: 503).
        var refused = 0;
        for (var i = 0; i < 20 && refused == 0; i++, posts++)
        {
            using var response = await server.PostAsync("slow/1", $"slow-{i}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) refused++;
            else response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }
        refused.ShouldBe(1);
        blocked.Release();
        var engine = server.Engine;
        await Eventually.TrueAsync(() => Idle(engine) && blocked.Count == engine.FindRoute("slow")!.Counters.Accepted, "every route is idle");

        using var scrape = await server.Http.GetAsync("/metrics");
        scrape.StatusCode.ShouldBe(HttpStatusCode.OK);
        scrape.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        var metrics = ExpositionChecker.Check(await scrape.Content.ReadAsStringAsync());

        // Every route's ledger, line by line, as the engine counts it.
        engine.Routes.Select(r => r.Name).ShouldBe([Orders, "egress", "slow"]);
        foreach (var route in engine.Routes)
        {
            var c = route.Counters;
            var expected = new Dictionary<string, long>
            {
                ["offered"] = c.Offered, ["accepted"] = c.Accepted, ["refused"] = c.Refused, ["emitted"] = c.Emitted,
                ["delivered"] = c.Delivered, ["filtered"] = route.Filtered, ["failed"] = c.Failed, ["discarded"] = c.DiscardedAfterCompletion,
            };
            foreach (var (stage, count) in expected) metrics.Value(Events, ("route", route.Name), ("stage", stage)).ShouldBe(count, $"{route.Name} {stage}");
            foreach (var reason in Enum.GetValues<DropReason>())
                metrics.Value("rx_mediation_route_drops_total", ("route", route.Name), ("reason", reason.ToName())).ShouldBe(c.Dropped[reason], $"{route.Name} {reason}");
            metrics.Value("rx_mediation_route_bridge_capacity", ("route", route.Name)).ShouldBe(route.Bridge.Options.Capacity);
            metrics.Value("rx_mediation_route_bridge_depth", ("route", route.Name)).ShouldBe(0);
            metrics.Value("rx_mediation_route_state", ("route", route.Name), ("state", "running")).ShouldBe(1);
        }
        // ... and those counts are the workload's.
        metrics.Value(Events, ("route", Orders), ("stage", "accepted")).ShouldBe(6);
        metrics.Value(Events, ("route", Orders), ("stage", "filtered")).ShouldBe(1);
        metrics.Value(Events, ("route", Orders), ("stage", "delivered")).ShouldBe(5);
        metrics.Value(Events, ("route", "egress"), ("stage", "delivered")).ShouldBe(5);
        metrics.Value(Events, ("route", "slow"), ("stage", "refused")).ShouldBe(1);
        metrics.Value("rx_mediation_route_drops_total", ("route", "slow"), ("reason", "drop-new")).ShouldBe(1);
        metrics.Value(Events, ("route", "slow"), ("stage", "delivered")).ShouldBe(blocked.Count);
        metrics.Value("rx_mediation_route_operator_events_total",
            ("route", Orders), ("index", "0"), ("operator", engine.FindRoute(Orders)!.Definition.Stages[0].Description), ("kind", "filtered")).ShouldBe(1);

        // Entrypoints: what came in from clients and went out to them.
        metrics.Value("rx_mediation_entrypoint_events_total", ("entrypoint", "http"), ("direction", "in")).ShouldBe(posts);
        metrics.Value("rx_mediation_entrypoint_events_total", ("entrypoint", "sse"), ("direction", "out")).ShouldBe(5);
        metrics.Value("rx_mediation_entrypoint_connections", ("entrypoint", "sse")).ShouldBe(1);
        metrics.Value("rx_mediation_entrypoint_drops_total", ("entrypoint", "sse"), ("reason", "slow-client")).ShouldBe(0);
        metrics.Value("rx_mediation_node_health", ("node", "memory"), ("kind", "endpoint"), ("state", "healthy")).ShouldBe(1);
        metrics.Value("rx_mediation_node_health", ("node", "memory"), ("kind", "endpoint"), ("state", "unhealthy")).ShouldBe(0);

        // Latencies: the histogram is process-wide (other specs deliver too), so at least these deliveries.
        metrics.Value("rx_mediation_delivery_latency_seconds_count", ("node", "sse"), ("via", "write")).ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(5);
        metrics.Value("rx_mediation_delivery_latency_seconds_count", ("node", "memory"), ("via", "ack")).ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(5);
        metrics.Value("rx_mediation_delivery_latency_seconds_sum", ("node", "sse"), ("via", "write")).ShouldNotBeNull().ShouldBeGreaterThan(0);
        metrics.Families["rx_mediation_delivery_latency_seconds"].Type.ShouldBe("histogram");
    }

    [Fact]
    public async Task Metrics_can_be_disabled()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Metrics:Enabled=false"]);
        using var response = await server.Http.GetAsync("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Guarded_by_the_admin_key_loopback_clients_still_get_metrics()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Metrics:RequireAdminKey=true", "--Mediation:Admin:Key=0123456789abcdef0123"]);
        using var response = await server.Http.GetAsync("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ExpositionChecker.Check(await response.Content.ReadAsStringAsync()).Families.Keys.ShouldContain(Events);
    }

    [Fact]
    public async Task Two_servers_in_one_process_each_expose_their_own_routes()
    {
        await using var first = await RunningServer.StartAsync();
        await using var second = await RunningServer.StartAsync();
        await first.PostAcceptedAsync("events", "one");
        await Eventually.TrueAsync(() => Idle(first.Engine), "the first server is idle");

        var firstMetrics = ExpositionChecker.Check(await first.Http.GetStringAsync("/metrics"));
        var secondMetrics = ExpositionChecker.Check(await second.Http.GetStringAsync("/metrics"));
        firstMetrics.Value(Events, ("route", "ingress"), ("stage", "accepted")).ShouldBe(1);
        secondMetrics.Value(Events, ("route", "ingress"), ("stage", "accepted")).ShouldBe(0);
    }

    [Fact]
    public async Task From_a_configuration_file_metrics_follow_the_reloaded_routes_keep_removed_routes_totals_and_count_reloads_by_result()
    {
        var directory = Directory.CreateTempSubdirectory("rx-metrics-");
        var file = Path.Combine(directory.FullName, "config.yaml");
        string Config(string route, string filter) => $$"""
            server:
              reload-debounce: 50ms
              metrics:
                enabled: true
            entrypoints:
              webhook: { type: http, path: /events }
            endpoints:
              broker: { type: memory }
            routes:
              - name: {{route}}
                from: webhook
                pipeline:
                  - where: '{{filter}}'
                to: broker
            """;
        void Write(string yaml)
        {
            File.WriteAllText(file + ".tmp", yaml);
            File.Move(file + ".tmp", file, overwrite: true);
        }
        Write(Config("big", "json.name == \"a\\\\b\""));
        try
        {
            await using var server = await RunningServer.StartAsync(["--config", file]);
            await server.PostAcceptedAsync("events", """{"name": "a\\b"}""");
            await server.PostAcceptedAsync("events", """{"name": "other"}""");
            await Eventually.TrueAsync(() => Idle(server.Engine), "the route is idle");

            var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
            metrics.Value(Events, ("route", "big"), ("stage", "filtered")).ShouldBe(1);
            metrics.Value(Events, ("route", "big"), ("stage", "delivered")).ShouldBe(1);
            // The operator's description (with its quotes and backslashes) survives the label escaping.
            var description = server.Engine.FindRoute("big")!.Definition.Stages[0].Description;
            description.ShouldContain("\"");
            metrics.Value("rx_mediation_route_operator_events_total", ("route", "big"), ("index", "0"), ("operator", description), ("kind", "in")).ShouldBe(2);
            metrics.Value("rx_mediation_config_reloads_total", ("result", "applied")).ShouldBe(0);
            metrics.Value("rx_mediation_config_version").ShouldBe(1);

            // An applied reload: the new route has its own series; the removed one's stay at their totals, so nothing it
            // counted since the last scrape is lost.
            Write(Config("renamed", "json.name == \"x\""));
            await Eventually.TrueAsync(() => server.Engine.FindRoute("renamed") is not null, "the reload was applied");
            // A refused one (unknown operator): counted, the running version stays.
            Write(Config("broken", "json.name ==").Replace("where:", "no-such-operator:"));
            await Eventually.TrueAsync(() => server.App.Services.GetRequiredService<Rx.Mediation.Hosting.Configuration.ConfigStatus>().Refusals == 1, "the reload was refused");

            metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
            metrics.Value("rx_mediation_config_reloads_total", ("result", "applied")).ShouldBe(1);
            metrics.Value("rx_mediation_config_reloads_total", ("result", "refused")).ShouldBe(1);
            metrics.Value("rx_mediation_config_version").ShouldBe(2);
            metrics.Value(Events, ("route", "big"), ("stage", "delivered")).ShouldBe(1);
            metrics.Where("rx_mediation_route_state", ("route", "big")).ShouldBeEmpty();
            metrics.Value(Events, ("route", "renamed"), ("stage", "accepted")).ShouldBe(0);
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Nothing waits in a bridge and every accepted event is accounted for.</summary>
    private static bool Idle(MediationEngine engine) => engine.Routes.All(r =>
    {
        var c = r.Counters;
        var afterAcceptance = c.Dropped.Total - c.Refused;
        return r.Bridge.Count == 0 && c.Accepted == c.Emitted + r.Filtered + c.Failed + afterAcceptance;
    });

    [Fact]
    public void The_latency_histogram_is_the_core_meter_s_and_records_only_while_listened_to()
    {
        MediationMeter.DeliveryLatency.Name.ShouldBe(MediationMeter.DeliveryLatencyName);
        MediationMeter.DeliveryLatency.Unit.ShouldBe("s");
        MediationMeter.DeliveryLatency.Meter.Name.ShouldBe("Rx.Mediation");
        PrometheusText.MetricName(MediationMeter.DeliveryLatencyName, "s", MetricKind.Histogram).ShouldBe("rx_mediation_delivery_latency_seconds");
    }
}

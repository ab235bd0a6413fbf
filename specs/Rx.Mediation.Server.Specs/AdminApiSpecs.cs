using System.Net;
using System.Text.Json;
using Rx.Mediation.Bridging;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

/// <summary>The admin API on the real default server: what it shows after a workload, read back as JSON.</summary>
public sealed class AdminApiSpecs
{
    [Fact]
    public async Task The_index_describes_the_server_and_links_to_each_part()
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.GetAsync("/admin");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        root.GetProperty("server").GetProperty("engine").GetString().ShouldBe("Running");
        root.GetProperty("counts").GetProperty("routes").GetInt32().ShouldBe(2);
        root.GetProperty("counts").GetProperty("entrypoints").GetInt32().ShouldBe(4);
        root.GetProperty("counts").GetProperty("endpoints").GetInt32().ShouldBe(1);
        root.GetProperty("config").GetProperty("source").GetString().ShouldBe("settings");
        var links = root.GetProperty("links");
        foreach (var link in new[] { "routes", "entrypoints", "endpoints", "config" })
        {
            var path = links.GetProperty(link).GetString()!;
            // Every link answers: all but /admin/config, which has nothing to show without a configuration file.
            var status = (await server.Http.GetAsync(path)).StatusCode;
            status.ShouldBe(link == "config" ? HttpStatusCode.NotFound : HttpStatusCode.OK, path);
        }
        links.GetProperty("dashboard").GetString().ShouldBe("/ui");
    }

    [Fact]
    public async Task Routes_show_their_shape_state_bridge_and_counters_after_events_flowed()
    {
        await using var server = await RunningServer.StartAsync();
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=events"));
        for (var i = 0; i < 5; i++) await server.PostAcceptedAsync("events", $"{{\"n\":{i}}}");
        for (var i = 0; i < 5; i++) await sse.NextAsync();

        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/routes"));
        var routes = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        routes.Keys.ShouldBe(["ingress", "egress"], ignoreOrder: true);

        var ingress = routes["ingress"];
        ingress.GetProperty("state").GetString().ShouldBe("Running");
        ingress.GetProperty("guarantee").GetString().ShouldBe("at-most-once");
        ingress.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("node").GetString()).ShouldBe(["http", "ws"]);
        ingress.GetProperty("sources")[0].GetProperty("topics").GetString().ShouldBe("#");
        ingress.GetProperty("targets").EnumerateArray().Select(t => t.GetString()).ShouldBe(["memory"]);
        ingress.GetProperty("operators").GetArrayLength().ShouldBe(0);
        var bridge = ingress.GetProperty("bridge");
        bridge.GetProperty("capacity").GetInt32().ShouldBe(1024);
        bridge.GetProperty("overflow").GetString().ShouldBe("backpressure");
        bridge.GetProperty("open").GetBoolean().ShouldBeTrue();
        var counters = ingress.GetProperty("counters");
        counters.GetProperty("accepted").GetInt64().ShouldBe(5);
        counters.GetProperty("offered").GetInt64().ShouldBe(5);
        counters.GetProperty("emitted").GetInt64().ShouldBe(5);
        counters.GetProperty("delivered").GetInt64().ShouldBe(5);
        counters.GetProperty("dropped").GetInt64().ShouldBe(0);
        ingress.GetProperty("drops").EnumerateObject().ShouldBeEmpty();

        var egress = routes["egress"];
        egress.GetProperty("targets").EnumerateArray().Select(t => t.GetString()).ShouldBe(["sse", "ws", "poll"]);
        egress.GetProperty("counters").GetProperty("emitted").GetInt64().ShouldBe(5);
        // One send per target: sse, ws and poll each took all five.
        egress.GetProperty("counters").GetProperty("delivered").GetInt64().ShouldBe(15);

        using var one = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/routes/ingress"));
        one.RootElement.GetProperty("name").GetString().ShouldBe("ingress");
        one.RootElement.GetProperty("counters").GetProperty("accepted").GetInt64().ShouldBe(5);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_naming_the_routes_there_are()
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.GetAsync("/admin/routes/nope");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("error").GetString().ShouldBe("unknown-route");
        json.RootElement.GetProperty("message").GetString()!.ShouldContain("ingress, egress");
    }

    [Fact]
    public async Task Operators_are_listed_with_their_descriptions_and_what_each_let_through()
    {
        var routes = new RouteTable();
        routes.From("http").Named("kept").Where(e => e.Text.StartsWith("keep", StringComparison.Ordinal)).Select(e => e.WithText(e.Text.ToUpperInvariant())).To("memory");
        routes.From("memory").Named("out").To("sse", "poll");
        await using var server = await RunningServer.StartAsync(b => b.Routes = [.. routes]);
        foreach (var text in new[] { "keep 1", "drop 1", "keep 2", "drop 2", "drop 3" }) await server.PostAcceptedAsync("events", text);
        await Eventually.TrueAsync(() => server.Engine.FindRoute("out")!.Counters.Emitted == 2, "the two kept events went through");

        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/routes/kept"));
        var operators = json.RootElement.GetProperty("operators").EnumerateArray().ToList();
        operators.Select(o => o.GetProperty("name").GetString()).ShouldBe(["where", "select"]);
        operators.ShouldAllBe(o => o.GetProperty("description").GetString()!.Length > 0);
        operators[0].GetProperty("in").GetInt64().ShouldBe(5);
        operators[0].GetProperty("out").GetInt64().ShouldBe(2);
        operators[0].GetProperty("filtered").GetInt64().ShouldBe(3);
        operators[1].GetProperty("in").GetInt64().ShouldBe(2);
        operators[1].GetProperty("out").GetInt64().ShouldBe(2);
        var counters = json.RootElement.GetProperty("counters");
        counters.GetProperty("accepted").GetInt64().ShouldBe(5);
        counters.GetProperty("emitted").GetInt64().ShouldBe(2);
        counters.GetProperty("filtered").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task Drops_are_counted_by_reason()
    {
        var blocked = new RecordingNode("blocked", blocked: true);
        await using var server = await RunningServer.StartWithSlowRouteAsync(blocked, new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.DropNew });
        try
        {
            var refused = 0;
            for (var i = 0; i < 20 && refused < 3; i++)
            {
                using var response = await server.PostAsync("events", "e" + i);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable) refused++;
            }
            refused.ShouldBe(3, "a one-slot bridge in front of a blocked target refuses");

            using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/routes/slow"));
            var route = json.RootElement;
            route.GetProperty("drops").GetProperty("drop-new").GetInt64().ShouldBe(3);
            route.GetProperty("counters").GetProperty("dropped").GetInt64().ShouldBe(3);
            route.GetProperty("counters").GetProperty("refused").GetInt64().ShouldBe(3);
            route.GetProperty("bridge").GetProperty("overflow").GetString().ShouldBe("drop-new");
            route.GetProperty("bridge").GetProperty("depth").GetInt32().ShouldBe(1, "one event waits in the bridge behind the blocked one");
        }
        finally
        {
            blocked.Release();
        }
    }

    [Fact]
    public async Task Entrypoints_list_their_connected_clients_with_topics_and_queue_depth()
    {
        await using var server = await RunningServer.StartAsync();
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=orders/%2B"), clientId: "dash-1");
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events&clientId=ws-7"));
        await Eventually.TrueAsync(() => server.Entrypoint<Rx.Mediation.Hosting.Entrypoints.WebSockets.WebSocketEntrypoint>().Clients.Count == 1
            && server.Entrypoint<Rx.Mediation.Hosting.Entrypoints.ServerSentEvents.SseEntrypoint>().Clients.Count == 1, "both clients registered");

        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/entrypoints"));
        var entrypoints = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        entrypoints.Keys.ShouldBe(["http", "ws", "sse", "poll"], ignoreOrder: true);
        entrypoints["http"].GetProperty("type").GetString().ShouldBe("http");
        entrypoints["http"].GetProperty("path").GetString().ShouldBe("/events");
        entrypoints["http"].GetProperty("health").GetString().ShouldBe("Healthy");
        entrypoints["http"].GetProperty("url").GetString().ShouldBe(new Uri(server.BaseAddress, "/events").ToString());

        var sseEntry = entrypoints["sse"];
        sseEntry.GetProperty("type").GetString().ShouldBe("sse");
        sseEntry.GetProperty("clientCount").GetInt32().ShouldBe(1);
        var client = sseEntry.GetProperty("clients").EnumerateArray().Single();
        client.GetProperty("id").GetString().ShouldBe("dash-1");
        client.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ShouldBe(["orders/+"]);
        client.GetProperty("queueDepth").GetInt32().ShouldBe(0);
        client.GetProperty("remoteAddress").GetString().ShouldBe("127.0.0.1");

        var wsEntry = entrypoints["ws"];
        wsEntry.GetProperty("type").GetString().ShouldBe("websocket");
        wsEntry.GetProperty("clients").EnumerateArray().Single().GetProperty("id").GetString().ShouldBe("ws-7");
    }

    [Fact]
    public async Task Endpoints_show_health_with_its_detail()
    {
        await using var server = await RunningServer.StartAsync(b => b.Nodes.Add(new RecordingNode("kafka-down", health: Nodes.NodeHealth.Unhealthy, detail: "connection refused to 127.0.0.1:9")));
        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/endpoints"));
        var endpoints = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        endpoints["memory"].GetProperty("type").GetString().ShouldBe("memory");
        endpoints["memory"].GetProperty("health").GetString().ShouldBe("Healthy");
        endpoints["memory"].GetProperty("counters").ValueKind.ShouldBe(JsonValueKind.Null, "the memory broker keeps no broker counters");
        endpoints["kafka-down"].GetProperty("health").GetString().ShouldBe("Unhealthy");
        endpoints["kafka-down"].GetProperty("healthDetail").GetString().ShouldBe("connection refused to 127.0.0.1:9");
    }

    [Fact]
    public async Task Disabled_the_admin_API_and_dashboard_are_not_there()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Admin:Enabled=false"]);
        (await server.Http.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Http.GetAsync("/admin/routes")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Http.GetAsync("/ui")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Http.GetAsync("/ui/stream")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_key_too_short_to_guard_anything_stops_the_start_naming_the_setting()
    {
        var ex = await Should.ThrowAsync<InvalidOperationException>(() => RunningServer.StartAsync(["--Mediation:Admin:Key=short"]));
        ex.Message.ShouldContain("Mediation:Admin:Key must be at least 16 characters");
    }
}

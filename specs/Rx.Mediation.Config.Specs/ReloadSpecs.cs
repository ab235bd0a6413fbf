using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Server;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Config.Specs;

public sealed class ReloadSpecs
{
    private static string Config(string filter = "json.amount > 100", string target = "big", string extra = "") => $$"""
        server:
          reload-debounce: 50ms
        entrypoints:
          webhook: { type: http, path: /events }
        endpoints:
          broker: { type: memory }
        {{extra}}
        routes:
          - name: all
            from: webhook
            to: broker
          - name: filtered
            from: webhook
            pipeline:
              - where: "{{filter}}"
            to: {{target}}
        """;

    private static void Recorders(MediationServerBuilder b, params RecordingNode[] nodes)
    {
        foreach (var node in nodes) b.Nodes.Add(node);
    }

    [Fact]
    public async Task The_server_runs_file_routes_beside_code_routes_and_shows_the_version()
    {
        using var files = new ConfigFiles(Config());
        var big = new RecordingNode("big");
        var code = new RecordingNode("code");
        await using var server = await files.StartAsync(b =>
        {
            Recorders(b, big, code);
            var table = new RouteTable();
            table.From("webhook").Named("from-code").To("code");
            b.Routes = [.. table];
        });

        await server.PostAcceptedAsync("events", """{"amount": 500}""");
        await server.PostAcceptedAsync("events", """{"amount": 5}""");

        await Eventually.TrueAsync(() => big.Count == 1 && code.Count == 2, "both routes delivered");
        server.Engine.Routes.Select(r => r.Name).ShouldBe(["from-code", "all", "filtered"]);
        using var admin = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/config"));
        admin.RootElement.GetProperty("version").GetInt64().ShouldBe(1);
        admin.RootElement.GetProperty("file").GetString().ShouldBe(files.Path);
        admin.RootElement.GetProperty("routes").EnumerateArray().Select(r => r.GetString()).ShouldBe(["all", "filtered"]);
        admin.RootElement.GetProperty("lastError").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Editing_the_file_retargets_live_traffic_within_a_second_and_keeps_unchanged_routes()
    {
        using var files = new ConfigFiles(Config());
        var big = new RecordingNode("big");
        var huge = new RecordingNode("huge");
        var code = new RecordingNode("code");
        await using var server = await files.StartAsync(b =>
        {
            Recorders(b, big, huge, code);
            var table = new RouteTable();
            table.From("webhook").Named("from-code").To("code");
            b.Routes = [.. table];
        });
        var all = server.Engine.FindRoute("all");
        var fromCode = server.Engine.FindRoute("from-code");

        files.Write(Config(filter: "json.amount > 1000", target: "huge"));
        var clock = Stopwatch.StartNew();
        // Keep posting as live traffic does, until the new route takes it.
        while (huge.Count == 0)
        {
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1), "the edit reached live traffic within a second");
            await server.PostAcceptedAsync("events", """{"amount": 5000}""");
        }

        server.Engine.FindRoute("all").ShouldBeSameAs(all);
        server.Engine.FindRoute("from-code").ShouldBeSameAs(fromCode);
        server.Engine.FindRoute("filtered")!.Definition.Targets.ShouldBe(["huge"]);
        // The version counts once the replaced route has drained, a moment after traffic switched.
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the version was applied");
    }

    [Fact]
    public async Task An_invalid_edit_keeps_the_running_version_and_is_shown_with_its_position()
    {
        using var files = new ConfigFiles(Config());
        var big = new RecordingNode("big");
        await using var server = await files.StartAsync(b => Recorders(b, big));
        var status = server.App.Services.GetRequiredService<ConfigStatus>();

        files.Write(Config(filter: "json.amount >"));
        await Eventually.TrueAsync(() => status.Current.LastError is not null, "the invalid edit was refused");

        using (var admin = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/config")))
        {
            admin.RootElement.GetProperty("version").GetInt64().ShouldBe(1);
            var error = admin.RootElement.GetProperty("lastError");
            error.GetProperty("line").GetInt32().ShouldBe(15);
            error.GetProperty("column").GetInt32().ShouldBe(30);
            error.GetProperty("message").GetString()!.ShouldContain("route 'filtered': where:");
            error.GetProperty("at").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
        }
        await server.PostAcceptedAsync("events", """{"amount": 500}""");
        await Eventually.TrueAsync(() => big.Count == 1, "the running version still routes");

        files.Write(Config(filter: "json.amount > 1"));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the corrected file was applied");
    }

    [Fact]
    public async Task A_valid_version_clears_the_last_error_and_the_refusal_stays_in_the_recent_errors()
    {
        using var files = new ConfigFiles(Config());
        await using var server = await files.StartAsync(b => Recorders(b, new RecordingNode("big"), new RecordingNode("huge")));
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        files.Write(Config(filter: "json.amount >"));
        await Eventually.TrueAsync(() => status.Current.LastError is not null, "the invalid edit was refused");

        files.Write(Config(filter: "json.amount > 1"));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the corrected file was applied");
        files.Write(Config(filter: "json.amount > 2", target: "huge"));
        await Eventually.TrueAsync(() => status.Current.Version == 3, "a later version was applied");

        using var admin = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/config"));
        admin.RootElement.GetProperty("lastError").ValueKind.ShouldBe(JsonValueKind.Null);
        var recent = admin.RootElement.GetProperty("recentErrors").EnumerateArray().ShouldHaveSingleItem();
        var error = recent.GetProperty("errors").EnumerateArray().ShouldHaveSingleItem();
        (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32()).ShouldBe((15, 30));
    }

    [Fact]
    public async Task Endpoints_are_added_and_removed_at_runtime()
    {
        using var files = new ConfigFiles(Config());
        await using var server = await files.StartAsync(b => Recorders(b, new RecordingNode("big")));
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        var broker = server.Engine.Find("broker");

        files.Write(Config(target: "extra", extra: "  extra: { type: memory }"));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the endpoint was added");
        server.Engine.Find("extra").ShouldNotBeNull();
        server.Engine.FindRoute("filtered")!.Definition.Targets.ShouldBe(["extra"]);
        server.Engine.Find("broker").ShouldBeSameAs(broker, "an unchanged endpoint keeps its connection");

        files.Write(Config());
        await Eventually.TrueAsync(() => status.Current.Version == 3, "the endpoint was removed");
        server.Engine.Find("extra").ShouldBeNull();
    }

    [Fact]
    public async Task The_applied_log_line_lists_only_what_changed()
    {
        using var files = new ConfigFiles(Config());
        var log = new CapturedLog();
        await using var server = await files.StartAsync(b =>
        {
            Recorders(b, new RecordingNode("big"));
            b.Web.Logging.AddProvider(log);
            // The specs' servers log warnings only; this line is information.
            b.Web.Logging.AddFilter<CapturedLog>(typeof(ConfigRuntime).FullName, LogLevel.Information);
        });
        var status = server.App.Services.GetRequiredService<ConfigStatus>();

        files.Write(Config(target: "extra", extra: "  extra: { type: memory }"));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the endpoint was added");
        files.Write(Config(filter: "json.amount > 7", target: "extra", extra: "  extra: { type: memory }"));
        await Eventually.TrueAsync(() => status.Current.Version == 3, "the route change was applied");

        List<string> Applied() => [.. log.Lines(LogLevel.Information).Where(l => l.StartsWith("Configuration ", StringComparison.Ordinal) && l.Contains(" applied: "))];
        // The version counts before the line is written.
        await Eventually.TrueAsync(() => Applied().Count == 2, "both versions were logged");
        var applied = Applied();
        applied[0].ShouldEndWith("applied: 2 routes; endpoints added extra");
        applied[1].ShouldEndWith("applied: 2 routes");
    }

    [Fact]
    public async Task An_endpoint_whose_settings_changed_is_replaced_after_its_routes_drained()
    {
        using var files = new ConfigFiles(Config());
        await using var server = await files.StartAsync(b => Recorders(b, new RecordingNode("big")));
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        var broker = server.Engine.Find("broker");
        var all = server.Engine.FindRoute("all")!;
        var filtered = server.Engine.FindRoute("filtered");
        await server.PostAcceptedAsync("events", """{"amount": 500}""");

        files.Write(Config().Replace("broker: { type: memory }", "broker: { type: memory, subscriptions: 'a/#' }"));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the changed endpoint was applied");

        server.Engine.Find("broker").ShouldNotBeSameAs(broker);
        server.Engine.FindRoute("all").ShouldNotBeSameAs(all, "a route to a replaced endpoint is rebuilt");
        server.Engine.FindRoute("filtered").ShouldBeSameAs(filtered, "a route not using it is kept");
        all.State.ShouldBe(Rx.Mediation.Routing.RouteState.Completed);
        all.Counters.Accepted.ShouldBe(all.Counters.Emitted, "the replaced route drained what it had accepted");
        await server.PostAcceptedAsync("events", """{"amount": 500}""");
    }

    [Fact]
    public async Task Changing_the_server_section_while_running_is_refused_at_its_line()
    {
        using var files = new ConfigFiles(Config());
        await using var server = await files.StartAsync(b => Recorders(b, new RecordingNode("big")));
        var status = server.App.Services.GetRequiredService<ConfigStatus>();

        files.Write(Config().Replace("reload-debounce: 50ms", "reload-debounce: 60ms"));
        await Eventually.TrueAsync(() => status.Current.LastError is not null, "the change was refused");

        var error = status.Current.LastError!.Errors.ShouldHaveSingleItem();
        error.Location.Line.ShouldBe(2);
        error.Location.Column.ShouldBe(3);
        error.Message.ShouldContain("restart");
        status.Current.Version.ShouldBe(1);
    }

    [Fact]
    public void A_missing_config_file_named_on_the_command_line_stops_the_start()
    {
        var ex = Should.Throw<FileNotFoundException>(() => Composition.Build(["--config", "/nonexistent/config.yaml"]));
        ex.Message.ShouldContain("/nonexistent/config.yaml");
    }

    [Fact]
    public async Task An_invalid_file_at_start_stops_it_with_every_error()
    {
        using var files = new ConfigFiles(Config(target: "nowhere"));
        var ex = await Should.ThrowAsync<Rx.Mediation.Operators.Configuration.ConfigException>(() => files.StartAsync());
        ex.Errors.ShouldHaveSingleItem().Message.ShouldContain("unknown target 'nowhere'");
    }

    [Fact]
    public async Task Admin_is_loopback_only_and_absent_without_a_file()
    {
        await using var server = await RunningServer.StartAsync();
        (await server.Http.GetAsync("/admin/config")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

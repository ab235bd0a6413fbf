using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Connectors;
using Microsoft.Extensions.Configuration;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Operations.Metrics;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Operations.Metrics;

/// <summary>
/// No OpenTelemetry collector can run here (no container engine, no collector package), so a small HTTP receiver in
/// the test stands in for one: it takes OTLP/HTTP protobuf posts to <c>/v1/metrics</c> as a collector would, and the
/// specs look in the protobuf bodies for the instrument names (protobuf carries strings as UTF-8 bytes).
/// </summary>
public sealed class OtlpExportSpecs
{
    [Fact]
    public async Task Configured_with_an_endpoint_the_server_posts_its_metrics_over_otlp_http_protobuf()
    {
        await using var collector = await CollectorStandIn.StartAsync();
        await using (var server = await RunningServer.StartAsync([
            $"--Mediation:Metrics:Otlp:Endpoint={collector.BaseAddress}",
            "--Mediation:Metrics:Otlp:Interval=00:00:00.200",
            "--Mediation:Metrics:Otlp:ServiceName=rx-mediation-specs",
        ]))
        {
            await server.PostAcceptedAsync("events", "x");
            await Eventually.TrueAsync(() => collector.Contains("rx.mediation.route.events") && collector.Contains("rx.mediation.delivery.latency"),
                "an export with the route counters and the latency histogram arrived");
        }

        var post = collector.Posts.First(p => Encoding.UTF8.GetString(p.Body).Contains("rx.mediation.route.events"));
        post.Path.ShouldBe("/v1/metrics");
        post.ContentType.ShouldBe("application/x-protobuf");
        var body = Encoding.UTF8.GetString(post.Body);
        foreach (var name in new[] { "rx.mediation.route.drops", "rx.mediation.route.bridge.depth", "rx.mediation.node.health", "rx.mediation.entrypoint.events", "rx-mediation-specs", "ingress" })
            body.ShouldContain(name);
    }

    [Fact]
    public void The_yaml_section_is_read_with_every_problem_at_its_line_and_column()
    {
        const string yaml = """
            server:
              metrics:
                enabled: maybe
                scrape: yes
                otlp:
                  endpoint: ftp://collector
                  protocol: udp
                  interval: 0s
                  service-name: ""
            routes:
              - name: r
                from: http
                to: memory
            """;
        var (config, errors) = ServerConfigReader.Parse(yaml.Replace("\r\n", "\n"), "metrics.yaml", ["memory"], ["http", "memory"]);
        config.ShouldBeNull();
        string At(int line, int column) => errors.Single(e => e.Location.Line == line && e.Location.Column == column).Message;
        At(3, 14).ShouldContain("'enabled' must be true or false");
        At(4, 5).ShouldContain("unknown key 'scrape'");
        At(6, 17).ShouldContain("'endpoint' must be an absolute http:// or https:// URL");
        At(7, 17).ShouldContain("'protocol' must be one of http/protobuf, grpc");
        At(8, 17).ShouldContain("'interval' must be positive");
        At(9, 21).ShouldContain("'service-name' must not be empty");
        errors.ShouldAllBe(e => e.Location.File == "metrics.yaml");
    }

    [Fact]
    public void The_yaml_section_overrides_only_what_it_sets()
    {
        const string yaml = """
            server:
              metrics:
                require-admin-key: true
                otlp: { endpoint: "http://collector:4317", protocol: grpc, interval: 15s }
            routes:
              - name: r
                from: http
                to: memory
            """;
        var (config, errors) = ServerConfigReader.Parse(yaml, "metrics.yaml", ["memory"], ["http", "memory"]);
        errors.ShouldBeEmpty();
        // appsettings, then the file, as the server layers them: the file wins where it speaks, appsettings elsewhere.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Mediation:Metrics:Otlp:Headers"] = "api-key=from-environment", ["Mediation:Metrics:Otlp:Interval"] = "00:01:30" })
            .Add(new YamlConfigurationSource(config!.Server.Keys))
            .Build();
        var bound = new MediationOptions();
        DurationSettings.Bind(configuration.GetSection(MediationOptions.Section), bound);
        var options = bound.Metrics;
        options.Enabled.ShouldBeTrue();
        options.RequireAdminKey.ShouldBeTrue();
        options.Otlp.Protocol.ShouldBe("grpc");
        options.Otlp.Interval.ShouldBe(TimeSpan.FromSeconds(15));
        options.Otlp.Headers.ShouldBe("api-key=from-environment");
        options.Otlp.ExportUri().ShouldBe(new Uri("http://collector:4317"));
        options.Validate().ShouldBeEmpty();
    }

    [Fact]
    public void For_http_protobuf_a_base_url_gets_the_metrics_path_and_a_full_url_is_kept()
    {
        new OtlpMetricsOptions { Endpoint = "http://collector:4318" }.ExportUri().ShouldBe(new Uri("http://collector:4318/v1/metrics"));
        new OtlpMetricsOptions { Endpoint = "http://collector:4318/" }.ExportUri().ShouldBe(new Uri("http://collector:4318/v1/metrics"));
        new OtlpMetricsOptions { Endpoint = "https://otlp.example/custom/v1/metrics" }.ExportUri().ShouldBe(new Uri("https://otlp.example/custom/v1/metrics"));
        new MetricsOptions { Otlp = { Endpoint = "collector:4318", Protocol = "udp", Interval = TimeSpan.Zero } }.Validate("M").ShouldBe([
            "M:Otlp:Endpoint must be an absolute http:// or https:// URL, got 'collector:4318'",
            "M:Otlp:Protocol must be one of http/protobuf, grpc, got 'udp'",
            "M:Otlp:Interval must be positive, got 00:00:00",
        ]);
    }

    /// <summary>Takes OTLP/HTTP posts as a collector would (200 with an empty protobuf answer) and keeps them.</summary>
    private sealed class CollectorStandIn : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private CollectorStandIn(WebApplication app) => _app = app;

        public ConcurrentQueue<Post> Posts { get; } = new();

        public Uri BaseAddress => new(_app.Urls.First());

        public bool Contains(string text) => Posts.Any(p => Encoding.UTF8.GetString(p.Body).Contains(text, StringComparison.Ordinal));

        public static async Task<CollectorStandIn> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var standIn = new CollectorStandIn(app);
            app.MapPost("/v1/metrics", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                standIn.Posts.Enqueue(new Post(context.Request.Path, context.Request.ContentType, body.ToArray()));
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            return standIn;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed record Post(string Path, string? ContentType, byte[] Body);
}

using Microsoft.Extensions.Logging;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Config.Specs;

/// <summary>
/// Every setting that holds a secret stays out of every answer and log line: broker passwords of each connector (one
/// endpoint valid but unreachable, one refused for another setting), and the admin key, from a configuration file.
/// </summary>
public sealed class SecretsSpecs
{
    private const string AdminKey = "S3CRET-admin-key-0123456789";
    private static readonly string[] Secrets = ["S3CRET-rabbit", "S3CRET-mqtt", "S3CRET-amqp", "S3CRET-kafka", AdminKey];

    [Theory]
    [InlineData("{ type: mqtt5, host: 127.0.0.1, port: 0, username: app, password: S3CRET-bad }")]
    [InlineData("{ type: rabbitmq, uri: 'amqp://app:S3CRET/bad@127.0.0.1:5672/' }")]
    [InlineData("{ type: amqp10, host: 127.0.0.1, credit: 0, username: app, password: S3CRET-bad }")]
    [InlineData("{ type: kafka, bootstrap-servers: '127.0.0.1:9092', topics: t, acks: some, password: S3CRET-bad }")]
    public async Task A_refused_endpoint_is_named_without_its_password(string endpoint)
    {
        using var files = new ConfigFiles($"entrypoints:\n  webhook: {{ type: http, path: /events }}\nendpoints:\n  broken: {endpoint}\nroutes: []\n");

        var error = await Should.ThrowAsync<Exception>(() => files.StartAsync());

        error.Message.ShouldContain("broken");
        error.Message.ShouldNotContain("S3CRET");
    }

    [Fact]
    public async Task No_password_or_key_reaches_an_admin_answer_the_dashboard_readyz_or_a_log_line()
    {
        var port = FreePort.Next();
        using var files = new ConfigFiles($$"""
            server:
              admin: { key: {{AdminKey}} }
            entrypoints:
              webhook: { type: http, path: /events }
            endpoints:
              rabbit: { type: rabbitmq, uri: 'amqp://app:S3CRET-rabbit@127.0.0.1:{{port}}/' }
              mqtt: { type: mqtt5, host: 127.0.0.1, port: {{port}}, username: app, password: S3CRET-mqtt }
              amqp: { type: amqp10, host: 127.0.0.1, port: {{port}}, username: app, password: S3CRET-amqp }
              kafka: { type: kafka, bootstrap-servers: '127.0.0.1:{{port}}', topics: t, security-protocol: sasl_plaintext, sasl-mechanism: PLAIN, sasl-username: app, password: S3CRET-kafka }
            routes:
              - name: out
                from: webhook
                to: [rabbit, mqtt, amqp, kafka]
            """);
        var log = new CapturedLog();
        await using var server = await files.StartAsync(b =>
        {
            b.Web.Logging.AddProvider(log);
            b.Web.Logging.SetMinimumLevel(LogLevel.Debug);
        });
        await Eventually.TrueAsync(() => server.Engine.Nodes.Where(n => n.Name is "rabbit" or "mqtt" or "amqp").All(n => n.HealthDetail is not null),
            "the brokers' endpoints reported why they cannot connect");

        var surfaces = new List<string>();
        foreach (var path in new[] { "/readyz", "/admin", "/admin/endpoints", "/admin/routes", "/admin/entrypoints", "/admin/config" })
        {
            using var answer = await server.Http.GetAsync(path);
            surfaces.Add(await answer.Content.ReadAsStringAsync());
        }
        surfaces.AddRange(log.Lines(LogLevel.Trace));

        foreach (var secret in Secrets)
            surfaces.ShouldAllBe(s => !s.Contains(secret), $"'{secret}' leaked");
    }
}

using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.RabbitMq.Specs;

public sealed class BrokerFixtureSpecs
{
    [Fact]
    public async Task A_private_node_boots_survives_a_kill_with_its_durable_queue_and_is_removed_on_dispose()
    {
        var broker = await RabbitMqBroker.StartAsync();
        var directory = broker.DataDirectory;
        try
        {
            (await ExternalProcess.RunAsync("amqp-declare-queue", ["-u", broker.CliUri, "-d", "-q", "fixture"], TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(0);
            await broker.KillAsync();
            await broker.RestartAsync();
            var (listed, queues) = await broker.CtlAsync("list_queues", "name", "durable");
            listed.ShouldBe(0, queues);
            queues.ShouldContain("fixture");
            // Published after the restart: an unconfirmed message sent just before a crash may rightly be lost.
            (await ExternalProcess.RunAsync("amqp-publish", ["-u", broker.CliUri, "-r", "fixture", "-p", "-b", "kept"], TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(0);
            var (code, body) = await ExternalProcess.RunAsync("amqp-get", ["-u", broker.CliUri, "-q", "fixture"], TimeSpan.FromSeconds(30));
            code.ShouldBe(0, body);
            body.Trim().ShouldBe("kept");
            var (ctl, plugins) = await broker.CtlAsync("status");
            ctl.ShouldBe(0, plugins);
            plugins.ShouldContain("rabbitmq_amqp1_0");
            // What a later run uses to clean up after a run that crashed without disposing.
            File.Exists(Path.Combine(directory, "node.pid")).ShouldBeTrue();
            File.Exists(Path.Combine(directory, "owner.pid")).ShouldBeTrue();
        }
        finally
        {
            await broker.DisposeAsync();
        }
        Directory.Exists(directory).ShouldBeFalse();
    }
}

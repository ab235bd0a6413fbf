using System.Net;
using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>A broker that is not there, wrong credentials, a missing queue, a bad setting: clear errors, the server stays up.</summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class FailureSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task An_unreachable_broker_makes_the_endpoint_unhealthy_with_the_refused_address_and_the_server_stays_up()
    {
        var port = FreePort.Next();
        var server = await RunningServer.StartAsync([
            "--Mediation:Endpoints:nobroker:Type=jms",
            "--Mediation:Endpoints:nobroker:Host=127.0.0.1",
            $"--Mediation:Endpoints:nobroker:Port={port}",
            "--Mediation:Endpoints:nobroker:StopTimeout=00:00:01",
            "--Mediation:Routes:toNowhere:Sources=http[lost]", "--Mediation:Routes:toNowhere:Targets=nobroker"]);
        var endpoint = server.Amqp("nobroker");
        try
        {
            await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Unhealthy, "the endpoint is unhealthy");
            var (status, health, detail) = await server.ReadyzAsync("nobroker");
            status.ShouldBe(HttpStatusCode.ServiceUnavailable);
            health.ShouldBe("Unhealthy");
            detail.ShouldNotBeNull();
            detail.ShouldContain($"cannot connect to 127.0.0.1:{port}");
            detail.ShouldContain("refused", Case.Insensitive);

            (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
            // Events still go somewhere visible: queued for the broker, not lost silently.
            await server.PostAcceptedAsync("lost", "kept for later");
            await Eventually.TrueAsync(() => endpoint.Pending == 1, "the event waits in the outbound queue");
        }
        finally
        {
            await server.DisposeAsync();
        }
        // Stopping while the broker is still away: what could not be delivered is counted, not silently lost.
        endpoint.Counters.Failed.ShouldBe(1);
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_as_the_sasl_failure()
    {
        await using var server = await RunningServer.StartAsync(broker.Endpoint("badauth", "Username=guest", "Password=not-the-password"));

        await Eventually.TrueAsync(() => server.Amqp("badauth").Health == NodeHealth.Unhealthy, "the endpoint is unhealthy", TimeSpan.FromSeconds(30));
        var (status, _, detail) = await server.ReadyzAsync("badauth");
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        detail.ShouldNotBeNull();
        detail.ShouldContain(broker.Target);
        detail.ShouldContain("unauthorized", Case.Insensitive);
        detail.ShouldNotContain("not-the-password");
    }

    [Fact]
    public async Task Right_credentials_from_an_environment_variable_connect()
    {
        Environment.SetEnvironmentVariable("RXM_AMQP_SPEC_PASSWORD", "guest");
        await using var server = await RunningServer.StartAsync(broker.Endpoint("goodauth", "Username=guest", "PasswordEnv=RXM_AMQP_SPEC_PASSWORD"));
        await server.HealthyAsync("goodauth");
    }

    [Fact]
    public async Task A_queue_that_does_not_exist_is_named_in_readyz()
    {
        await using var server = await RunningServer.StartAsync(broker.Endpoint("noqueue", "Receive=/amq/queue/no-such-queue"));

        await Eventually.TrueAsync(() => server.Amqp("noqueue").Health == NodeHealth.Unhealthy, "the endpoint is unhealthy", TimeSpan.FromSeconds(30));
        var (status, _, detail) = await server.ReadyzAsync("noqueue");
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        detail.ShouldNotBeNull();
        detail.ShouldContain("cannot receive from '/amq/queue/no-such-queue'");
        detail.ShouldContain("not-found", Case.Insensitive);
        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sending_to_an_exchange_that_does_not_exist_fails_visibly_after_bounded_retries()
    {
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("badtarget", "Address=/exchange/no-such-exchange/{topic}", "MaxRetries=2", "RetryDelay=00:00:00.050"),
            "--Mediation:Routes:toMissing:Sources=http[missing]", "--Mediation:Routes:toMissing:Targets=badtarget"]);
        await server.HealthyAsync("badtarget");

        await server.PostAcceptedAsync("missing", "nowhere to go");

        var endpoint = server.Amqp("badtarget");
        await Eventually.TrueAsync(() => endpoint.Counters.Failed == 1, $"the event counts as failed ({endpoint.Counters})", TimeSpan.FromSeconds(30));
        endpoint.Counters.Retried.ShouldBe(2);
        var (status, _, detail) = await server.ReadyzAsync("badtarget");
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        detail.ShouldNotBeNull();
        detail.ShouldContain("cannot send to '/exchange/no-such-exchange/missing'");
    }

    [Fact]
    public async Task A_bad_setting_names_the_endpoint_and_key_in_readyz_and_the_server_stays_up()
    {
        await using var server = await RunningServer.StartAsync([
            "--Mediation:Endpoints:badcredit:Type=amqp10",
            "--Mediation:Endpoints:badcredit:Credit=0"]);

        var (status, health, detail) = await server.ReadyzAsync("badcredit");
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        health.ShouldBe("Unhealthy");
        detail.ShouldNotBeNull();
        detail.ShouldContain("endpoint 'badcredit'");
        detail.ShouldContain("Mediation:Endpoints:badcredit:Credit");
        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

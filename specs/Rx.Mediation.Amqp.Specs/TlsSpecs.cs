using System.Net;
using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>
/// amqps to RabbitMQ's TLS listener (certificates made for this run by TestCertificates; the listener requires a client
/// certificate from the same CA): events go through, and a certificate the endpoint must not trust is refused with
/// the setting and the endpoint named.
/// </summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class TlsSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task An_event_goes_out_and_comes_back_in_over_amqps_with_the_ca_file_and_a_client_certificate()
    {
        await broker.DeclareQueueAsync("rx-tls");
        await using var server = await RunningServer.StartAsync([
            .. broker.TlsEndpoint("tlsout", "Address=/amq/queue/{topic}"),
            .. broker.TlsEndpoint("tlsin", "Receive=/amq/queue/rx-tls"),
            "--Mediation:Routes:toTls:Sources=http[rx-tls]", "--Mediation:Routes:toTls:Targets=tlsout",
            "--Mediation:Routes:fromTls:Sources=tlsin", "--Mediation:Routes:fromTls:Targets=sse"]);
        await server.HealthyAsync("tlsout");
        await server.HealthyAsync("tlsin");
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=amq/queue/rx-tls"));

        var id = await server.PostAcceptedAsync("rx-tls", "sealed in transit");

        var message = await sse.NextAsync(TimeSpan.FromSeconds(30));
        message.Id.ShouldBe(id);
        message.Data.ShouldBe("sealed in transit");
        // The broker's acceptance may reach the sender after the message reached the receiver.
        await Eventually.TrueAsync(() => server.Amqp("tlsout").Counters.Acknowledged == 1, "the broker accepted the sent message");
        await Eventually.TrueAsync(() => server.Amqp("tlsin").Counters.Accepted == 1, "the receiving endpoint settled it");
    }

    [Fact]
    public async Task A_broker_certificate_from_another_ca_is_refused_naming_the_endpoint_and_the_ca_setting()
    {
        await using var server = await RunningServer.StartAsync([
            .. broker.TlsEndpoint("wrongca", $"Tls:CaFile={broker.Certificates.OtherCaFile}"),
            "--Mediation:Routes:toWrong:Sources=http[wrong]", "--Mediation:Routes:toWrong:Targets=wrongca"]);
        var endpoint = server.Amqp("wrongca");

        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Unhealthy, $"the endpoint is unhealthy (now {endpoint.Health}: {endpoint.HealthDetail})", TimeSpan.FromSeconds(30));
        var (status, _, detail) = await server.ReadyzAsync("wrongca");
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        detail.ShouldNotBeNull();
        detail.ShouldContain($"cannot connect to 127.0.0.1:{broker.Broker.TlsPort}");
        detail.ShouldContain("TLS to endpoint 'wrongca' refused");
        detail.ShouldContain($"is not signed by an authority in Mediation:Endpoints:wrongca:Tls:CaFile ('{broker.Certificates.OtherCaFile}')");
        await server.PostAcceptedAsync("wrong", "must not leave");
        endpoint.Counters.Published.ShouldBe(0);
    }

    [Fact]
    public async Task A_certificate_that_does_not_name_the_host_is_refused_unless_the_hostname_check_is_off()
    {
        // The broker's certificate names localhost and 127.0.0.1; 127.0.0.2 reaches the same listener under another name.
        await using var server = await RunningServer.StartAsync([
            .. broker.TlsEndpoint("otherhost", "Host=127.0.0.2"),
            .. broker.TlsEndpoint("nocheck", "Host=127.0.0.2", "Tls:CheckHostname=false")]);

        await server.HealthyAsync("nocheck");
        var checking = server.Amqp("otherhost");
        await Eventually.TrueAsync(() => checking.Health == NodeHealth.Unhealthy, $"the checking endpoint is unhealthy (now {checking.Health}: {checking.HealthDetail})", TimeSpan.FromSeconds(30));
        var (_, _, detail) = await server.ReadyzAsync("otherhost");
        detail.ShouldNotBeNull();
        detail.ShouldContain("does not name '127.0.0.2'");
        detail.ShouldContain("Mediation:Endpoints:otherhost:Tls:CheckHostname is on");
        detail.ShouldContain("TLS to endpoint 'otherhost' refused");
    }

    [Fact]
    public async Task A_broker_that_requires_a_client_certificate_refuses_the_endpoint_without_one()
    {
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("nocert", "Tls:Enabled=true", $"Port={broker.Broker.TlsPort}", $"Tls:CaFile={broker.Certificates.CaFile}"),
            "--Mediation:Routes:toNoCert:Sources=http[nocert]", "--Mediation:Routes:toNoCert:Targets=nocert"]);
        var endpoint = server.Amqp("nocert");

        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Unhealthy, $"the endpoint is unhealthy (now {endpoint.Health}: {endpoint.HealthDetail})", TimeSpan.FromSeconds(30));
        // With TLS 1.3 the broker's alert may come before or after the client writes, so the reason is either the
        // alert or a reset connection; both name the broker.
        var (_, _, detail) = await server.ReadyzAsync("nocert");
        detail.ShouldNotBeNull().ShouldContain($"cannot connect to 127.0.0.1:{broker.Broker.TlsPort}");
        await server.PostAcceptedAsync("nocert", "stays queued");
        await Eventually.TrueAsync(() => endpoint.Pending == 1, "the event waits in the outbound queue");
        endpoint.Counters.Published.ShouldBe(0);
    }

    [Fact]
    public async Task A_ca_file_that_does_not_exist_names_the_endpoint_and_the_setting_in_readyz()
    {
        await using var server = await RunningServer.StartAsync(broker.TlsEndpoint("noca", "Tls:CaFile=/nonexistent/ca.pem"));

        var (status, health, detail) = await server.ReadyzAsync("noca");
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        health.ShouldBe("Unhealthy");
        detail.ShouldBe("endpoint 'noca': Mediation:Endpoints:noca:Tls:CaFile names '/nonexistent/ca.pem', which does not exist or cannot be read");
    }
}

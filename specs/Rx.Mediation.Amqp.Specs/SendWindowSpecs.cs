using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Events;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>The MaxInFlight window refills from the broker's settlements, not only when routes hand over more events.</summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class SendWindowSpecs(AmqpBrokerFixture broker)
{
    /// <summary>
    /// A burst many times the window, handed over at once (as a route's drain does) and then nothing more: every
    /// settlement makes room that is used at once. (It used to be used only on the next event or on the one-second
    /// nudge, so a burst drained at MaxInFlight events per second.)
    /// </summary>
    [Fact]
    public async Task A_burst_far_larger_than_MaxInFlight_is_all_accepted_without_further_events()
    {
        const int total = 400;
        await broker.DeclareQueueAsync("rx-window");
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmswindow", "Address=/amq/queue/rx-window", "MaxInFlight=4"),
            "--Mediation:Routes:window:Sources=http[window]", "--Mediation:Routes:window:Targets=jmswindow"]);
        var endpoint = server.Amqp("jmswindow");
        await server.HealthyAsync("jmswindow");

        for (var n = 0; n < total; n++) endpoint.OnNext(Event.FromText("spec", "window", $"burst-{n}"));

        await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged == total, $"the broker accepted the whole burst ({endpoint.Counters})");
        endpoint.Counters.Failed.ShouldBe(0);
        endpoint.Counters.Dropped.ShouldBe(0);
        (await broker.QueueDepthAsync("rx-window")).Ready.ShouldBe(total);
    }
}

using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>A received message is settled only after the routes took it: refused ones stay on the broker.</summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class AcknowledgementSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task Messages_the_routes_refuse_stay_on_the_broker_and_are_redelivered_once_the_route_accepts_again()
    {
        await RefusedDeliveries.StayOnTheBrokerUntilAcceptedAsync(broker, "rx-held", "jmsheld",
            broker.Endpoint("jmsheld", "Receive=/amq/queue/rx-held", "Credit=5", "RedeliveryDelay=00:00:00.100"), credit: 5, total: 20);
    }
}

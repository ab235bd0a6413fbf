using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Specs.Engine;

public class DeliveryGuaranteeSpecs
{
    private static async Task<RouteBuildException?> Apply(Action<RouteTable> routes)
    {
        await using var engine = new MediationEngine();
        engine.Add(new AckingSource("broker-in")).Add(new PlainNode("ws")).Add(new MemoryEndpoint("memory")).Add(new PlainNode("sse"));
        var table = new RouteTable();
        routes(table);
        try
        {
            await engine.ApplyRoutesAsync(table);
            return null;
        }
        catch (RouteBuildException ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task At_least_once_is_accepted_between_nodes_that_can_honour_it()
    {
        (await Apply(r => r.From("broker-in").AtLeastOnce().To("memory"))).ShouldBeNull();
        (await Apply(r => r.From("broker-in").AtLeastOnce().Bridge(10, OverflowStrategy.DropNew).To("memory"))).ShouldBeNull();
    }

    [Fact]
    public async Task At_least_once_is_refused_naming_the_source_that_cannot_acknowledge_after_acceptance()
    {
        var error = await Apply(r => r.From("ws").Named("r").AtLeastOnce().To("memory"));
        error.ShouldNotBeNull().Errors.ShouldHaveSingleItem().ShouldStartWith("route 'r': declares at-least-once, but source 'ws'");
    }

    [Fact]
    public async Task At_least_once_is_refused_naming_the_target_that_does_not_confirm_sends()
    {
        var error = await Apply(r => r.From("broker-in").Named("r").AtLeastOnce().To("sse"));
        error.ShouldNotBeNull().Errors.ShouldHaveSingleItem().ShouldStartWith("route 'r': declares at-least-once, but target 'sse'");
    }

    [Theory]
    [InlineData(OverflowStrategy.DropHead)]
    [InlineData(OverflowStrategy.DropTail)]
    [InlineData(OverflowStrategy.DropBuffer)]
    public async Task At_least_once_is_refused_with_a_bridge_that_drops_what_it_accepted(OverflowStrategy overflow)
    {
        var error = await Apply(r => r.From("broker-in").Named("r").AtLeastOnce().Bridge(10, overflow).To("memory"));
        error.ShouldNotBeNull().Errors.ShouldHaveSingleItem().ShouldContain($"'{overflow.ToName()}' strategy drops events it already accepted");
    }

    [Fact]
    public async Task At_most_once_works_with_every_node()
    {
        (await Apply(r => r.From("ws").Bridge(10, OverflowStrategy.DropHead).To("sse"))).ShouldBeNull();
    }

    private sealed class AckingSource(string name) : MediationNode(name), IEndpoint
    {
        public override DeliveryCapabilities Capabilities => DeliveryCapabilities.Both;

        public override void OnNext(Event value) { }
    }

    private sealed class PlainNode(string name) : MediationNode(name), IEntrypoint
    {
        public override void OnNext(Event value) { }
    }
}

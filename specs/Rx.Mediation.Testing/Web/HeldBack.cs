using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Testing;

/// <summary>
/// What every broker's pressure spec checks: with the broker away, the endpoint holds its route back at its high-water
/// mark and drops nothing; once the broker is back, everything is acknowledged and nothing is left pending anywhere.
/// </summary>
public static class HeldBack
{
    /// <param name="held">Events the route's bridge must hold: what the endpoint could neither queue nor send.</param>
    /// <param name="pending">Events the endpoint's queue must hold (its high-water mark).</param>
    public static async Task ShouldHoldAsync(RouteRuntime route, OutboundPressure pressure, EndpointCounters counters, int held, int pending)
    {
        await Eventually.TrueAsync(() => route.Bridge.Count == held, $"the route holds what the endpoint cannot queue (bridge {route.Bridge.Count}, {pressure})");
        pressure.IsSaturated.ShouldBeTrue();
        pressure.Pending.ShouldBe(pending);
        route.Bridge.IsHeldBack.ShouldBeTrue();
        counters.Dropped.ShouldBe(0);
    }

    public static async Task ShouldDeliverAllAsync(RouteRuntime route, OutboundPressure pressure, EndpointCounters counters, int total, TimeSpan within)
    {
        await Eventually.TrueAsync(() => counters.Acknowledged == total, $"the broker acknowledged everything ({counters}, {pressure})", within);
        counters.Dropped.ShouldBe(0);
        counters.Failed.ShouldBe(0);
        route.Counters.Dropped.Total.ShouldBe(0);
        pressure.Pending.ShouldBe(0);
        pressure.IsSaturated.ShouldBeFalse();
        pressure.Saturations.ShouldBeGreaterThanOrEqualTo(1);
    }
}

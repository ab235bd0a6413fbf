using Microsoft.AspNetCore.Builder;
using Rx.Mediation.Connectors;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Hosting;

/// <summary>
/// What <see cref="MediationServer.Build"/> lets a caller change before the app is built: the bound options,
/// the broker connectors, extra nodes (brokers, test doubles) and the routes. Routes default to those in <see cref="MediationOptions.Routes"/>.
/// </summary>
public sealed class MediationServerBuilder(WebApplicationBuilder web, MediationOptions options)
{
    public WebApplicationBuilder Web { get; } = web;

    /// <summary>The options as bound from configuration; changes here win over configuration.</summary>
    public MediationOptions Options { get; } = options;

    /// <summary>Nodes added besides the configured entrypoints and memory endpoint.</summary>
    public IList<IMediationNode> Nodes { get; } = [];

    /// <summary>
    /// The broker connectors configuration may name by <c>Type</c> (the in-memory broker is always there); the server
    /// executable adds every connector it ships.
    /// </summary>
    public IList<IEndpointProvider> Connectors { get; } = [];

    /// <summary>When set, these routes replace the configured ones.</summary>
    public IList<RouteDefinition>? Routes { get; set; }
}

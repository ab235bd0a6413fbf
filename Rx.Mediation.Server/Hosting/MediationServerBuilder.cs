using Microsoft.AspNetCore.Builder;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;
using Rx.Mediation.Server.Options;

namespace Rx.Mediation.Server.Hosting;

/// <summary>
/// What <see cref="MediationServer.Build"/> lets a caller change before the app is built: the bound options,
/// extra nodes (brokers, test doubles) and the routes. Routes default to those in <see cref="MediationOptions.Routes"/>.
/// </summary>
public sealed class MediationServerBuilder(WebApplicationBuilder web, MediationOptions options)
{
    public WebApplicationBuilder Web { get; } = web;

    /// <summary>The options as bound from configuration; changes here win over configuration.</summary>
    public MediationOptions Options { get; } = options;

    /// <summary>Nodes added besides the configured entrypoints and memory endpoint.</summary>
    public IList<IMediationNode> Nodes { get; } = [];

    /// <summary>When set, these routes replace the configured ones.</summary>
    public IList<RouteDefinition>? Routes { get; set; }
}

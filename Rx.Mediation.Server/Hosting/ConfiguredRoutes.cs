using Rx.Mediation.Routing;
using Rx.Mediation.Server.Options;

namespace Rx.Mediation.Server.Hosting;

/// <summary>The configured routes as definitions; a configuration error names its key.</summary>
public static class ConfiguredRoutes
{
    public static IReadOnlyList<RouteDefinition> FromOptions(MediationOptions options) =>
        options.Routes.Where(r => r.Value.Enabled).Select(r => r.Value.ToDefinition(r.Key)).ToList();
}

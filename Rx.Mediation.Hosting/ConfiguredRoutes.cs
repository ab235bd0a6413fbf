using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting;

/// <summary>The configured routes as definitions; a configuration error names its key.</summary>
public static class ConfiguredRoutes
{
    public static IReadOnlyList<RouteDefinition> FromOptions(MediationOptions options) =>
        options.Routes.Where(r => r.Value.Enabled).Select(r => r.Value.ToDefinition(r.Key)).ToList();
}

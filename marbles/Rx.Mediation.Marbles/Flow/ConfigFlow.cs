using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Operators.Fluent;

namespace Rx.Mediation.Marbles.Flow;

/// <summary>
/// Config-declared routes in the flow harness, exactly like code routes:
/// <code>ConfigFlow.FromYaml(yaml, "big-orders").Input("webhook", "-a-|").Expect("orders", "...").Run();</code>
/// </summary>
public static class ConfigFlow
{
    /// <summary>A flow over the named routes of <paramref name="yaml"/> (all of them when none is named).</summary>
    public static MarbleFlow FromYaml(string yaml, params string[] routes) => new(Routes(RouteConfigFile.Parse(yaml), routes));

    public static MarbleFlow FromFile(string path, params string[] routes) => new(Routes(RouteConfigFile.Load(path), routes));

    /// <summary>Adds the routes to a table; a file with errors throws <see cref="ConfigException"/> listing them.</summary>
    public static Action<RouteTable> Routes(RouteConfigFile file, params string[] routes)
    {
        file.ThrowIfInvalid();
        var chosen = routes.Length == 0 ? file.Routes : routes.Select(file.Route).ToList();
        return table =>
        {
            foreach (var route in chosen) table.Add(route.Definition);
        };
    }
}

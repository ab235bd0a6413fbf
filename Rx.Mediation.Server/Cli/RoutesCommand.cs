using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting.Configuration;

namespace Rx.Mediation.Server.Cli;

/// <summary><c>routes &lt;file&gt;</c>: each route as a graph, sources → operators → targets, with its bridge.</summary>
public static class RoutesCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length != 1) return CliConfig.Usage(error, "routes <config.yaml>");
        var (config, errors) = CliConfig.Load(args[0]);
        if (config is null) return CliConfig.Errors(error, errors);
        foreach (var route in config.Routes) output.Write(Draw(route.Definition, config, $"{route.Location.Line}:{route.Location.Column}"));
        return 0;
    }

    public static string Draw(Routing.RouteDefinition route, ServerConfig config, string at)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"{route.Name}  (line {at}; bridge {route.Bridge.Capacity}, {route.Bridge.Overflow.ToName()})");
        text.AppendLine($"  {string.Join(" + ", route.Sources.Select(s => Node(s.ToString(), s.Node, config)))}");
        foreach (var stage in route.Stages) text.AppendLine($"    → {stage.Description}");
        text.AppendLine($"    → {string.Join(" + ", route.Targets.Select(t => Node(t, t, config)))}");
        text.AppendLine();
        return text.ToString();
    }

    private static string Node(string text, string name, ServerConfig config)
    {
        var kind = config.Entrypoints.FirstOrDefault(e => e.Name == name)?.Type ?? config.Endpoints.FirstOrDefault(e => e.Name == name)?.Type;
        return kind is null ? text : $"{text} ({kind})";
    }
}

using Rx.Mediation.Routing;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Options;

/// <summary>
/// One route in configuration. Sources and targets are comma-separated node names, so one environment variable
/// can replace the list; a source may restrict topics as <c>node[filter]</c>, e.g. <c>http[orders/#]</c>.
/// </summary>
public sealed class RouteOptions
{
    public bool Enabled { get; set; } = true;

    public string Sources { get; set; } = "";

    public string Targets { get; set; } = "";

    public bool IncludeLifecycle { get; set; }

    public BridgeSettings Bridge { get; set; } = new();

    public RouteDefinition ToDefinition(string name)
    {
        var sources = Split(Sources).Select(s => ParseSource(name, s)).ToList();
        var targets = Split(Targets).ToList();
        return new RouteDefinition
        {
            Name = name,
            Sources = sources,
            Targets = targets,
            IncludeLifecycle = IncludeLifecycle,
            Bridge = Bridge.ToBridgeOptions(name),
        };
    }

    private static IEnumerable<string> Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static SourceBinding ParseSource(string route, string text)
    {
        var open = text.IndexOf('[');
        if (open < 0) return new SourceBinding(text);
        if (!text.EndsWith(']') || open == 0)
            throw new SettingsException($"Mediation:Routes:{route}:Sources: '{text}' is not 'node' or 'node[topic-filter]'");
        var filter = text[(open + 1)..^1];
        if (!TopicPattern.TryParse(filter, out var pattern, out var error))
            throw new SettingsException($"Mediation:Routes:{route}:Sources: '{text}': {error}");
        return new SourceBinding(text[..open].Trim(), pattern!);
    }
}

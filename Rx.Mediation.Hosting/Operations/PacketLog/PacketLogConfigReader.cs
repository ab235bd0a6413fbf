using Rx.Mediation.Operators.Configuration;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// Reads <c>server: packet-log:</c> of the YAML configuration file; every problem is reported at its line and column.
/// The section follows reloads, so it is left out of the <c>server:</c> section's canonical text (see
/// <see cref="WithoutSection"/>), whose changes need a restart.
/// </summary>
public static class PacketLogConfigReader
{
    public const string Key = "packet-log";

    private static readonly string[] Keys = ["level", "sample", "capacity", "report-interval", "routes"];
    private static readonly string[] RouteKeys = ["level", "sample"];
    private static readonly string[] Levels = ["off", "errors", "flow"];

    /// <summary>The section's settings, or null when <paramref name="server"/> has none.</summary>
    public static PacketLogOptions? Read(YamlMap server)
    {
        var node = server.Get(Key);
        if (node is null) return null;
        var diagnostics = server.Diagnostics;
        const string what = "server: packet-log";
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(node, $"{what} must be a mapping, e.g. '{{ level: flow, sample: 1/100 }}' ({YamlMap.Kind(node)} found)");
            return null;
        }
        var map = new YamlMap(mapping, diagnostics, what, Keys);
        var options = new PacketLogOptions();
        if (Level(map) is { } level) options.Level = level;
        if (Sample(map) is { } sample) options.Sample = sample;
        if (map.Int("capacity", 1) is { } capacity) options.Capacity = capacity;
        if (map.Duration("report-interval") is { } interval)
        {
            if (interval > TimeSpan.Zero) options.ReportInterval = interval;
            else diagnostics.Error(map.Get("report-interval")!, $"{what}: 'report-interval' must be positive, got '{(map.Get("report-interval") as YamlScalarNode)?.Value}'");
        }
        ReadRoutes(map, options);
        return options;
    }

    /// <summary>The <c>server:</c> mapping without this section (the same node when it has none).</summary>
    public static YamlMappingNode WithoutSection(YamlMappingNode server)
    {
        if (!server.Children.Keys.Any(IsSectionKey)) return server;
        var copy = new YamlMappingNode();
        foreach (var (key, value) in server.Children.Where(c => !IsSectionKey(c.Key))) copy.Add(key, value);
        return copy;
    }

    private static bool IsSectionKey(YamlNode key) => key is YamlScalarNode { Value: Key };

    private static void ReadRoutes(YamlMap map, PacketLogOptions options)
    {
        var node = map.Get("routes");
        if (node is null) return;
        var diagnostics = map.Diagnostics;
        if (node is not YamlMappingNode routes)
        {
            diagnostics.Error(node, $"{map.What}: 'routes' must be a mapping of route names to settings, e.g. 'orders: {{ level: errors }}' ({YamlMap.Kind(node)} found)");
            return;
        }
        foreach (var (key, value) in routes.Children)
        {
            if (key is not YamlScalarNode { Value.Length: > 0 } name)
            {
                diagnostics.Error(key, $"{map.What}: 'routes': route names must be plain text");
                continue;
            }
            if (value is not YamlMappingNode settings)
            {
                diagnostics.Error(value, $"{map.What}: route '{name.Value}' must be a mapping such as '{{ level: errors, sample: 1/10 }}' ({YamlMap.Kind(value)} found)");
                continue;
            }
            var route = new YamlMap(settings, diagnostics, $"{map.What}: route '{name.Value}'", RouteKeys);
            options.Routes[name.Value!] = new PacketLogRouteOptions { Level = Level(route), Sample = Sample(route) };
        }
    }

    private static PacketLogLevel? Level(YamlMap map)
    {
        var text = map.String("level")?.Trim();
        if (text is null) return null;
        switch (text.ToLowerInvariant())
        {
            case "off": return PacketLogLevel.Off;
            case "errors": return PacketLogLevel.Errors;
            case "flow": return PacketLogLevel.Flow;
        }
        map.Diagnostics.Error(map.Get("level")!, $"{map.What}: 'level' must be one of {string.Join(", ", Levels)}, got '{text}'");
        return null;
    }

    private static string? Sample(YamlMap map)
    {
        var text = map.String("sample");
        if (text is null) return null;
        if (PacketSampling.TryParse(text, out _, out var error)) return text.Trim();
        map.Diagnostics.Error(map.Get("sample")!, $"{map.What}: 'sample' {error}");
        return null;
    }
}

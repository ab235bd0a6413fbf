using System.Security.Cryptography;
using System.Text;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Hosting.Options;
using Microsoft.Extensions.Configuration;
using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Settings;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// Reads and validates a whole configuration file: <c>server</c>, <c>entrypoints</c>, <c>endpoints</c> and
/// <c>routes</c>. Every problem is reported with its line and column; nothing is created here.
/// </summary>
public static class ServerConfigReader
{
    /// <summary>Paths the server answers itself; an entrypoint there would make routing ambiguous.</summary>
    private static readonly string[] ReservedPaths = ["/healthz", "/readyz", Admin.AdminEndpoints.Prefix, Operations.Dashboard.DashboardEndpoints.Prefix, Operations.Metrics.MetricsSetup.Path];

    /// <summary>Everything under these is the admin API's and the dashboard's.</summary>
    private static readonly string[] ReservedPrefixes = [Admin.AdminEndpoints.Prefix + "/", Operations.Dashboard.DashboardEndpoints.Prefix + "/"];

    /// <param name="endpointTypes">The endpoint types the server knows (from its EndpointCatalog).</param>
    /// <param name="otherNodes">Nodes added in code (builder.Nodes) that routes may also name.</param>
    public static (ServerConfig? Config, IReadOnlyList<ConfigError> Errors) Parse(
        string text, string file, IReadOnlyCollection<string> endpointTypes, IReadOnlyCollection<string>? otherNodes = null)
    {
        var diagnostics = new ConfigDiagnostics(file);
        var (root, routes) = RouteConfigFile.Read(text, diagnostics);
        if (root is null) return (null, diagnostics.Errors);
        var top = new YamlMap(root, diagnostics, "top level", allowed: null);

        var entrypoints = ReadEntrypoints(top.Get("entrypoints"), diagnostics);
        var (server, serverCanonical) = ReadServer(top, diagnostics, [.. entrypoints.Select(e => e.Name)]);
        var endpoints = ReadEndpoints(top.Get("endpoints"), diagnostics, endpointTypes);
        if (!top.Has("routes")) diagnostics.Error(root, "'routes' is required (a list of routes)");

        foreach (var clash in entrypoints.IntersectBy(endpoints.Select(e => e.Name), e => e.Name))
            diagnostics.Error(clash.Location, $"'{clash.Name}' names both an entrypoint and an endpoint; node names must be unique");
        foreach (var clash in entrypoints.Select(e => (e.Name, e.Location)).Concat(endpoints.Select(e => (e.Name, e.Location))).Where(n => otherNodes?.Contains(n.Name) == true))
            diagnostics.Error(clash.Location, $"'{clash.Name}' is also the name of a node added in code; node names must be unique");
        foreach (var clash in entrypoints.GroupBy(e => (e.Options.Path, e.Options.Port)).Where(g => g.Count() > 1))
            diagnostics.Error(clash.Last().Location, $"entrypoints {string.Join(", ", clash.Select(e => e.Name))} share the path '{clash.Key.Path}'");

        var known = entrypoints.Select(e => e.Name).Concat(endpoints.Select(e => e.Name)).Concat(otherNodes ?? []).ToHashSet(StringComparer.Ordinal);
        RouteConfigReader.CheckNodes(routes, known, diagnostics);
        if (diagnostics.HasErrors) return (null, Sorted(diagnostics.Errors));
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var serverNode = top.Get("server");
        return (new ServerConfig(file, hash, server, serverCanonical, entrypoints, endpoints, routes)
        {
            ServerLocation = serverNode is null ? null : diagnostics.At(serverNode),
        }, []);
    }

    public static (ServerConfig? Config, IReadOnlyList<ConfigError> Errors) Load(
        string path, IReadOnlyCollection<string> endpointTypes, IReadOnlyCollection<string>? otherNodes = null) =>
        Parse(File.ReadAllText(path), path, endpointTypes, otherNodes);

    /// <summary>
    /// The <c>server:</c> section of <paramref name="path"/> as configuration keys, for the server's configuration; a
    /// file that does not read gives none (its errors are reported by <see cref="Load"/>).
    /// </summary>
    public static YamlKeys ServerKeys(string path)
    {
        var diagnostics = new ConfigDiagnostics(path);
        try
        {
            var (root, _) = RouteConfigFile.Read(File.ReadAllText(path), diagnostics);
            if (root is null) return new YamlKeys();
            var top = new YamlMap(root, diagnostics, "top level", allowed: null);
            return ReadServer(top, diagnostics, []).Item1.Keys;
        }
        catch (IOException)
        {
            return new YamlKeys();
        }
    }

    /// <summary>
    /// <c>server:</c>, read as the <c>Mediation:</c> options it sets (<see cref="YamlOptions"/>) and checked by the
    /// same validators as every other source, each refusal at the line of the value it names. <paramref name="entrypoints"/>
    /// are the file's, which <c>security: origins:</c> may name.
    /// </summary>
    private static (ServerSettings, string) ReadServer(YamlMap top, ConfigDiagnostics diagnostics, IReadOnlyCollection<string> entrypoints)
    {
        var node = top.Get("server");
        if (node is null) return (new ServerSettings(), "");
        var keys = new YamlKeys();
        YamlOptions.Read(node, typeof(MediationOptions), MediationOptions.Section, "server", keys, diagnostics, MediationOptions.ServerSection);
        var options = new MediationOptions();
        DurationSettings.Bind(new ConfigurationBuilder().AddInMemoryCollection(keys.Values).Build().GetSection(MediationOptions.Section), options);
        foreach (var problem in options.Validate(listening: false, entrypoints))
        {
            var placed = keys.Place(problem) ?? new ConfigError(diagnostics.At(node), problem);
            diagnostics.Error(placed.Location, placed.Message);
        }
        // packet-log and security: rights follow reloads, so a change to them alone is not a change of the (restart-only) section.
        var canonical = node is YamlMappingNode mapping ? YamlCanonical.Write(ServerSections.RestartOnly(mapping)) : "";
        return (new ServerSettings { Keys = keys, Options = options }, canonical);
    }

    private static List<EntrypointConfig> ReadEntrypoints(YamlNode? node, ConfigDiagnostics diagnostics)
    {
        var result = new List<EntrypointConfig>();
        foreach (var (name, map) in Named(node, "entrypoints", diagnostics))
        {
            var type = map.String("type", required: true)?.Trim().ToLowerInvariant();
            if (type is null) continue;
            var options = EntrypointConfig.NewOptions(type);
            if (options is null)
            {
                diagnostics.Error(map.Get("type")!, $"entrypoint '{name.Value}': unknown type '{type}' (known: {string.Join(", ", EntrypointConfig.Types)})");
                continue;
            }
            YamlSettings.Bind(map, options, diagnostics, $"entrypoint '{name.Value}'", "type");
            options.Name = name.Value!;
            foreach (var problem in options.Validate(setting => $"'{SettingValues.Kebab(setting)}'"))
                diagnostics.Error(map.Get(SettingValues.Kebab(problem.Setting)) ?? map.Node, $"entrypoint '{name.Value}': {problem.Message}");
            if (ReservedPaths.Contains(options.Path.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)
                || ReservedPrefixes.Any(p => options.Path.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                diagnostics.Error(map.Get("path") ?? map.Node, $"entrypoint '{name.Value}': path '{options.Path}' is the server's own (reserved: {string.Join(", ", ReservedPaths)} and everything under /admin/ and /ui/)");
            var port = map.Get("port");
            result.Add(new EntrypointConfig(name.Value!, type, options, YamlCanonical.Write(map.Node), diagnostics.At(name))
            {
                PortLocation = port is null ? null : diagnostics.At(port),
            });
        }
        return result;
    }

    private static List<EndpointConfig> ReadEndpoints(YamlNode? node, ConfigDiagnostics diagnostics, IReadOnlyCollection<string> types)
    {
        var result = new List<EndpointConfig>();
        foreach (var (name, map) in Named(node, "endpoints", diagnostics))
        {
            var type = map.String("type", required: true)?.Trim().ToLowerInvariant();
            if (type is null) continue;
            if (!types.Contains(type, StringComparer.OrdinalIgnoreCase))
            {
                diagnostics.Error(map.Get("type")!, $"endpoint '{name.Value}': unknown type '{type}' (known: {string.Join(", ", types)})");
                continue;
            }
            var written = new Dictionary<string, (string Written, YamlNode Node)>(StringComparer.OrdinalIgnoreCase);
            var settings = YamlSettings.Flatten(map, $"{MediationOptions.Section}:Endpoints:{name.Value}", written, "type");
            result.Add(new EndpointConfig(name.Value!, type, settings, YamlCanonical.Write(map.Node), diagnostics.At(name))
            {
                Written = written.ToDictionary(w => w.Key, w => (w.Value.Written, diagnostics.At(w.Value.Node)), StringComparer.OrdinalIgnoreCase),
            });
        }
        return result;
    }

    private static IEnumerable<(YamlScalarNode Name, YamlMap Map)> Named(YamlNode? node, string section, ConfigDiagnostics diagnostics)
    {
        if (node is null) yield break;
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(node, $"'{section}' must be a mapping of names to settings, e.g. 'orders: {{ type: ... }}' ({YamlMap.Kind(node)} found)");
            yield break;
        }
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value.Length: > 0 } name)
            {
                diagnostics.Error(key, $"{section}: names must be plain text");
                continue;
            }
            if (value is not YamlMappingNode settings)
            {
                diagnostics.Error(value, $"{section}: '{name.Value}' must be a mapping with 'type:' ({YamlMap.Kind(value)} found)");
                continue;
            }
            yield return (name, new YamlMap(settings, diagnostics, $"{section[..^1]} '{name.Value}'", null));
        }
    }

    private static IReadOnlyList<ConfigError> Sorted(IEnumerable<ConfigError> errors) =>
        [.. errors.OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column)];
}

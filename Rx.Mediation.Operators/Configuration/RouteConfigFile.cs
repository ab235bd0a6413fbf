using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>
/// A configuration file's routes, read without a server: what <c>validate</c>, <c>routes</c>, the YAML route tests and
/// the marble flow harness use. The server reads the other sections (<c>server</c>, <c>entrypoints</c>, <c>endpoints</c>).
/// </summary>
public sealed class RouteConfigFile
{
    public static readonly IReadOnlyList<string> TopLevelKeys = ["server", "entrypoints", "endpoints", "routes"];

    private RouteConfigFile(string file, YamlMappingNode? root, IReadOnlyList<ConfiguredRoute> routes, IReadOnlyList<ConfigError> errors)
    {
        File = file;
        Root = root;
        Routes = routes;
        Errors = errors;
    }

    public string File { get; }

    /// <summary>The parsed document (null when it is not valid YAML), for readers of the other sections.</summary>
    public YamlMappingNode? Root { get; }

    public IReadOnlyList<ConfiguredRoute> Routes { get; }

    public IReadOnlyList<ConfigError> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>Parses and validates. With <paramref name="knownNodes"/>, every source and target must be one of them.</summary>
    public static RouteConfigFile Parse(string text, string file = "config.yaml", IReadOnlyCollection<string>? knownNodes = null)
    {
        var diagnostics = new ConfigDiagnostics(file);
        var (root, routes) = Read(text, diagnostics);
        if (knownNodes is not null) RouteConfigReader.CheckNodes(routes, knownNodes, diagnostics);
        return new RouteConfigFile(file, root, routes, Sorted(diagnostics.Errors));
    }

    public static RouteConfigFile Load(string path, IReadOnlyCollection<string>? knownNodes = null) =>
        Parse(System.IO.File.ReadAllText(path), path, knownNodes);

    /// <summary>Reads the routes into <paramref name="diagnostics"/>, for callers that validate more sections of the same file.</summary>
    public static (YamlMappingNode? Root, IReadOnlyList<ConfiguredRoute> Routes) Read(string text, ConfigDiagnostics diagnostics)
    {
        var root = YamlDocumentLoader.Load(text, diagnostics);
        if (root is null) return (null, []);
        var top = new YamlMap(root, diagnostics, "top level", TopLevelKeys);
        var routes = top.Get("routes") is { } node ? RouteConfigReader.Read(node, diagnostics) : [];
        return (root, routes);
    }

    /// <summary>The routes, or a <see cref="ConfigException"/> listing every error.</summary>
    public RouteConfigFile ThrowIfInvalid() => IsValid ? this : throw new ConfigException(Errors);

    public ConfiguredRoute Route(string name) =>
        Routes.FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"{File}: no route named '{name}' (routes: {string.Join(", ", Routes.Select(r => r.Name))})", nameof(name));

    internal static IReadOnlyList<ConfigError> Sorted(IEnumerable<ConfigError> errors) =>
        [.. errors.OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column)];
}

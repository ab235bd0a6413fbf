using Rx.Mediation.Events;
using Rx.Mediation.Operators.Configuration;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Marbles.Flow;

/// <summary>
/// A YAML file of route tests beside a configuration file (format in docs/configuration.md):
/// <code>
/// config: config.example.yaml
/// tests:
///   - name: big orders pass
///     route: big-orders
///     values: { a: { text: '{"amount":150}', headers: { type: order } } }
///     inputs: { webhook: "a---|" }
///     expect: { orders: "----a|" }
/// </code>
/// </summary>
public sealed class RouteTestFile
{
    private static readonly string[] TopKeys = ["config", "tests"];
    private static readonly string[] TestKeys = ["name", "route", "values", "inputs", "expect"];
    private static readonly string[] ValueKeys = ["topic", "text", "json", "headers"];

    private RouteTestFile(string file, RouteConfigFile? config, IReadOnlyList<RouteTest> tests, IReadOnlyList<ConfigError> errors)
    {
        File = file;
        Config = config;
        Tests = tests;
        Errors = errors;
    }

    public string File { get; }

    public RouteConfigFile? Config { get; }

    public IReadOnlyList<RouteTest> Tests { get; }

    /// <summary>Problems of the test file and of the configuration it tests.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    /// <summary>Reads the tests; <c>config:</c> is relative to the test file, by default its name without <c>.tests</c>.</summary>
    public static RouteTestFile Load(string path)
    {
        var diagnostics = new ConfigDiagnostics(path);
        var root = YamlDocumentLoader.Load(System.IO.File.ReadAllText(path), diagnostics);
        if (root is null) return new RouteTestFile(path, null, [], diagnostics.Errors);
        var top = new YamlMap(root, diagnostics, "test file", TopKeys);
        var configName = top.String("config") ?? Path.GetFileName(path).Replace(".tests.", ".", StringComparison.Ordinal);
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, configName);
        RouteConfigFile? config = null;
        if (System.IO.File.Exists(configPath)) config = RouteConfigFile.Load(configPath);
        else diagnostics.Error(top.Get("config") ?? root, $"the configuration '{configPath}' does not exist");

        var tests = new List<RouteTest>();
        if (top.Get("tests") is YamlSequenceNode list)
        {
            foreach (var item in list.Children)
            {
                if (item is YamlMappingNode mapping) tests.Add(ReadTest(mapping, diagnostics, config));
                else diagnostics.Error(item, "a test must be a mapping with name, route, inputs and expect");
            }
        }
        else
        {
            diagnostics.Error(top.Get("tests") ?? root, "'tests' must be a list of tests");
        }
        var errors = diagnostics.Errors.Concat(config?.Errors ?? []).ToList();
        return new RouteTestFile(path, config, tests, errors);
    }

    /// <summary>Runs every test in virtual time.</summary>
    public IReadOnlyList<RouteTestResult> Run() => [.. Tests.Select(Run)];

    public RouteTestResult Run(RouteTest test)
    {
        try
        {
            var flow = new MarbleFlow(ConfigFlow.Routes(Config!, test.Route)).Values(test.Values);
            foreach (var (node, marbles) in test.Inputs) flow.Input(node, marbles);
            // A source the test gives no diagram is silent and completes at once, so the route ends with the given ones.
            var route = Config!.Route(test.Route).Definition;
            foreach (var silent in route.AllSources.Select(s => s.Node).Distinct().Where(n => test.Inputs.All(i => i.Node != n))) flow.Input(silent, "|");
            foreach (var (node, marbles) in test.Expected) flow.Expect(node, marbles);
            flow.Run();
            return new RouteTestResult(test, null);
        }
        catch (Exception ex) when (ex is MarbleAssertionException or MarbleSyntaxException or ArgumentException or ConfigException)
        {
            return new RouteTestResult(test, ex.Message);
        }
    }

    private static RouteTest ReadTest(YamlMappingNode node, ConfigDiagnostics diagnostics, RouteConfigFile? config)
    {
        var map = new YamlMap(node, diagnostics, $"test at line {node.Start.Line}", TestKeys);
        var name = map.String("name", required: true) ?? $"line {node.Start.Line}";
        var route = map.String("route", required: true) ?? "";
        if (config is { IsValid: true } && route.Length > 0 && config.Routes.All(r => r.Name != route))
            diagnostics.Error(map.Get("route")!, $"test '{name}': no route named '{route}' in {config.File} (routes: {string.Join(", ", config.Routes.Select(r => r.Name))})");
        var values = new Dictionary<char, FlowEvent>();
        if (map.Map("values", null) is { } valueMap)
        {
            foreach (var (key, value) in valueMap.Entries)
            {
                if (key.Value is not { Length: 1 } letter) diagnostics.Error(key, $"test '{name}': a value key is one character, got '{key.Value}'");
                else if (ReadValue(value, diagnostics, name) is { } flowEvent) values[letter[0]] = flowEvent;
            }
        }
        var tested = config is { IsValid: true } ? config.Routes.FirstOrDefault(r => r.Name == route)?.Definition : null;
        var sources = tested?.AllSources.Select(s => s.Node).Distinct().ToList();
        var targets = tested?.Targets.ToList();
        return new RouteTest(name, route, diagnostics.At(node), values,
            Diagrams(map, "inputs", name, route, sources, "source"), Diagrams(map, "expect", name, route, targets, "target"));
    }

    private static FlowEvent? ReadValue(YamlNode node, ConfigDiagnostics diagnostics, string test)
    {
        if (node is YamlScalarNode scalar) return FlowEvent.Data(scalar.Value ?? "");
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(node, $"test '{test}': a value is a text or a mapping with topic, text (or json) and headers");
            return null;
        }
        var map = new YamlMap(mapping, diagnostics, $"test '{test}': value", ValueKeys);
        var text = map.String("text") ?? (map.Get("json") is { } json ? JsonText(json) : "");
        var headers = map.Map("headers", null)?.Entries.Select(e => (e.Key.Value!, (e.Value as YamlScalarNode)?.Value ?? "")).ToArray() ?? [];
        return new FlowEvent(map.String("topic") ?? FlowEvent.DefaultTopic, text, EventHeaders.From(headers));
    }

    // A json: value is written as YAML flow (e.g. { amount: 150 }) and compared as compact JSON text.
    private static string JsonText(YamlNode node) => node switch
    {
        YamlScalarNode s when s.Style is YamlDotNet.Core.ScalarStyle.Plain && (double.TryParse(s.Value, System.Globalization.CultureInfo.InvariantCulture, out _) || s.Value is "true" or "false" or "null")
            => s.Value!,
        YamlScalarNode s => System.Text.Json.JsonSerializer.Serialize(s.Value),
        YamlSequenceNode seq => "[" + string.Join(",", seq.Children.Select(JsonText)) + "]",
        YamlMappingNode m => "{" + string.Join(",", m.Children.Select(c => System.Text.Json.JsonSerializer.Serialize(((YamlScalarNode)c.Key).Value) + ":" + JsonText(c.Value))) + "}",
        _ => "null",
    };

    /// <summary>
    /// The diagrams under <paramref name="key"/>, each for a node; with the route's <paramref name="nodes"/> known, a
    /// name that is not one of them (a typo) is an error at that name, rather than a diagram silently ignored.
    /// </summary>
    private static List<(string, string)> Diagrams(YamlMap map, string key, string test, string route, IReadOnlyList<string>? nodes, string role)
    {
        var result = new List<(string, string)>();
        if (map.Map(key, null) is { } diagrams)
        {
            foreach (var (node, marbles) in diagrams.Entries)
            {
                if (nodes is not null && !nodes.Contains(node.Value!))
                {
                    map.Diagnostics.Error(node, $"test '{test}': {key} names '{node.Value}', which is not a {role} of route '{route}' ({role}s: {string.Join(", ", nodes)})");
                    continue;
                }
                if (YamlMap.Scalar(marbles, map.Diagnostics, $"test '{test}': {key} '{node.Value}'") is { } text) result.Add((node.Value!, text));
            }
        }
        else if (key == "expect")
        {
            map.Diagnostics.Error(map.Node, $"test '{test}': 'expect' is required (node: diagram)");
        }
        return result;
    }
}

using Rx.Mediation.Operators.Catalog;
using Rx.Mediation.Routing;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>
/// The operators a YAML pipeline may name, each a one-key mapping (<c>- throttle: 200ms</c>) turned into the catalog's
/// stage. The YAML forms are documented in docs/configuration.md.
/// </summary>
public static class PipelineOperators
{
    private delegate IEnumerable<RouteStage> Factory(YamlNode argument, OperatorContext context);

    private static readonly Dictionary<string, Factory> Factories = new(StringComparer.Ordinal)
    {
        ["where"] = Where,
        ["select"] = Select,
        ["map"] = Select,
        ["set-topic"] = SetTopic,
        ["set-header"] = SetHeader,
        ["remove-header"] = RemoveHeader,
        ["select-json"] = SelectJson,
        ["project-json"] = ProjectJson,
        ["buffer"] = Buffer,
        ["throttle"] = (a, c) => One(c.Duration(a), Timing.Throttle),
        ["sample"] = (a, c) => Positive(a, c, Timing.Sample),
        ["delay"] = (a, c) => One(c.Duration(a), Timing.Delay),
        ["distinct"] = Distinct,
        ["take"] = (a, c) => One(c.Count(a, 0), Filtering.Take),
        ["skip"] = (a, c) => One(c.Count(a, 0), Filtering.Skip),
        ["merge"] = Merge,
    };

    public static IReadOnlyList<string> Names { get; } = [.. Factories.Keys];

    /// <summary>Builds the stages of one pipeline item; problems are reported and yield no stage.</summary>
    public static IReadOnlyList<RouteStage> Build(YamlNode item, string route, ConfigDiagnostics diagnostics, List<NodeReference> nodes)
    {
        if (item is not YamlMappingNode { Children.Count: 1 } mapping)
        {
            diagnostics.Error(item, $"route '{route}': a pipeline step is one 'operator: argument' pair, e.g. '- throttle: 200ms' (operators: {string.Join(", ", Names)})");
            return [];
        }
        var (key, argument) = mapping.Children.Single();
        var name = (key as YamlScalarNode)?.Value ?? "";
        if (!Factories.TryGetValue(name, out var factory))
        {
            diagnostics.Error(key, $"route '{route}': unknown operator '{name}' (operators: {string.Join(", ", Names)})");
            return [];
        }
        var context = new OperatorContext(route, name, diagnostics, nodes);
        if (YamlMap.IsNull(argument) && name != "distinct")
        {
            context.Error(argument, "needs an argument");
            return [];
        }
        return [.. factory(argument, context)];
    }

    private static IEnumerable<RouteStage> One<T>(T? value, Func<T, RouteStage> create) where T : struct =>
        value is { } v ? [create(v)] : [];

    private static IEnumerable<RouteStage> Positive(YamlNode argument, OperatorContext context, Func<TimeSpan, RouteStage> create)
    {
        var value = context.Duration(argument);
        if (value is null) return [];
        if (value > TimeSpan.Zero) return [create(value.Value)];
        context.Error(argument, "the interval must be longer than zero");
        return [];
    }

    private static IEnumerable<RouteStage> Where(YamlNode argument, OperatorContext context)
    {
        var expression = context.Expression(argument);
        return expression is null ? [] : [Filtering.Where(expression.AsPredicate(), expression.Text)];
    }

    private static IEnumerable<RouteStage> Select(YamlNode argument, OperatorContext context)
    {
        var expression = context.Expression(argument);
        if (expression is null) return [];
        var json = expression.AsJson();
        return [Transforming.Select(e => e.WithPayload(json(e)).WithHeader("content-type", "application/json"), expression.Text)];
    }

    private static IEnumerable<RouteStage> SetTopic(YamlNode argument, OperatorContext context)
    {
        var expression = context.Expression(argument);
        return expression is null ? [] : [Transforming.SetTopic(OperatorContext.NotNull(expression.AsText(), expression.Text), expression.Text)];
    }

    private static IEnumerable<RouteStage> SetHeader(YamlNode argument, OperatorContext context)
    {
        if (argument is not YamlMappingNode headers || headers.Children.Count == 0)
        {
            context.Error(argument, "expects a mapping of header names to expressions, e.g. { source: \"'web'\" }");
            yield break;
        }
        foreach (var (key, value) in headers.Children)
        {
            var name = context.Text(key);
            var expression = context.Expression(value);
            if (string.IsNullOrWhiteSpace(name) || expression is null) continue;
            yield return Transforming.SetHeader(name, OperatorContext.NotNull(expression.AsText(), expression.Text), expression.Text);
        }
    }

    private static IEnumerable<RouteStage> RemoveHeader(YamlNode argument, OperatorContext context) =>
        YamlMap.ListOf(argument, context.Diagnostics, context.What).Select(n => Transforming.RemoveHeader(n.Value!));

    private static IEnumerable<RouteStage> SelectJson(YamlNode argument, OperatorContext context)
    {
        var path = context.Text(argument);
        if (path is null) return [];
        try
        {
            return [Transforming.SelectJson(path)];
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            context.Error(argument, ex.Message);
            return [];
        }
    }

    private static IEnumerable<RouteStage> ProjectJson(YamlNode argument, OperatorContext context)
    {
        var paths = YamlMap.ListOf(argument, context.Diagnostics, context.What).Select(p => p.Value!).ToArray();
        if (paths.Length == 0) return [];
        try
        {
            return [Transforming.ProjectJson(paths)];
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            context.Error(argument, ex.Message);
            return [];
        }
    }

    /// <summary><c>buffer: 100</c> (count), <c>buffer: 1s</c> (time), or <c>buffer: { time: 1s, count: 100 }</c> (whichever first).</summary>
    private static IEnumerable<RouteStage> Buffer(YamlNode argument, OperatorContext context)
    {
        if (argument is YamlMappingNode mapping)
        {
            var map = new YamlMap(mapping, context.Diagnostics, context.What, ["time", "count"]);
            var time = map.Duration("time");
            var count = map.Int("count", 1);
            if (time is { } t && t <= TimeSpan.Zero) context.Error(map.Get("time")!, "the window must be longer than zero");
            else if (time is { } window && count is { } n) return [Batching.Buffer(window, n)];
            else if (time is { } onlyTime && !map.Has("count")) return [Batching.Buffer(onlyTime)];
            else if (count is { } onlyCount && !map.Has("time")) return [Batching.Buffer(onlyCount)];
            else if (!map.Has("time") && !map.Has("count")) context.Error(argument, "give 'time', 'count' or both");
            return [];
        }
        var text = context.Text(argument);
        if (text is null) return [];
        if (int.TryParse(text, out _)) return One(context.Count(argument, 1), Batching.Buffer);
        return Positive(argument, context, Batching.Buffer);
    }

    /// <summary><c>distinct:</c> or <c>distinct: payload</c> compares payloads; otherwise the argument is a key expression.</summary>
    private static IEnumerable<RouteStage> Distinct(YamlNode argument, OperatorContext context)
    {
        if (YamlMap.IsNull(argument) || argument is YamlScalarNode { Value: "payload" }) return [Filtering.DistinctUntilChanged()];
        var expression = context.Expression(argument);
        return expression is null ? [] : [Filtering.DistinctUntilChanged(expression.AsText(), expression.Text)];
    }

    private static IEnumerable<RouteStage> Merge(YamlNode argument, OperatorContext context)
    {
        var sources = YamlMap.ListOf(argument, context.Diagnostics, context.What).Select(context.Source).OfType<SourceBinding>().ToList();
        return sources.Count == 0 ? [] : [Merging.Merge(sources)];
    }
}

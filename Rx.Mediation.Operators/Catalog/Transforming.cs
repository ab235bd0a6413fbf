using System.Buffers;
using System.Text.Json;
using Rx.Mediation.Events;
using Rx.Mediation.Operators.Json;
using Rx.Mediation.Operators.Observables;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Catalog;

/// <summary>Stages that reshape events: select, headers, topic, JSON projection.</summary>
public static class Transforming
{
    public static RouteStage Select(Func<Event, Event> selector, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new RouteStage("select", $"select({description ?? "…"})",
            (source, context) => new PerEventOperator(source, () => selector, context));
    }

    public static RouteStage SetHeader(string name, Func<Event, string> value, string? description = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return new RouteStage("set-header", $"set-header({name} = {description ?? "…"})",
            (source, context) => new PerEventOperator(source, () => e => e.WithHeader(name, value(e)), context));
    }

    public static RouteStage SetHeader(string name, string value) => SetHeader(name, _ => value, $"\"{value}\"");

    public static RouteStage RemoveHeader(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new RouteStage("remove-header", $"remove-header({name})",
            (source, context) => new PerEventOperator(source, () => e => e.WithoutHeader(name), context));
    }

    public static RouteStage SetTopic(Func<Event, string> topic, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return new RouteStage("set-topic", $"set-topic({description ?? "…"})",
            (source, context) => new PerEventOperator(source, () => e => e.WithTopic(topic(e)), context));
    }

    public static RouteStage SetTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        return SetTopic(_ => topic, $"\"{topic}\"");
    }

    /// <summary>Replaces a JSON payload by the value at <paramref name="path"/>. A payload that is not JSON or lacks the path fails that event (counted, reported).</summary>
    public static RouteStage SelectJson(string path)
    {
        var parsed = JsonPath.Parse(path);
        return new RouteStage("select-json", $"select-json({path})", (source, context) => new PerEventOperator(source, () => e =>
        {
            using var document = ParseJson(e);
            if (!parsed.TryFind(document.RootElement, out var found)) throw new KeyNotFoundException($"JSON path '{path}' not found in event {e.Id}");
            return e.WithPayload(Serialize(w => found.WriteTo(w))).WithHeader("content-type", "application/json");
        }, context));
    }

    /// <summary>Replaces a JSON payload by an object of the named fields, each under its last path segment: <c>ProjectJson("id", "order.amount")</c> → <c>{"id":…,"amount":…}</c>. Missing fields are null.</summary>
    public static RouteStage ProjectJson(params string[] paths)
    {
        if (paths.Length == 0) throw new ArgumentException("name at least one field to project", nameof(paths));
        var parsed = paths.Select(JsonPath.Parse).ToArray();
        return new RouteStage("project-json", $"project-json({string.Join(", ", paths)})", (source, context) => new PerEventOperator(source, () => e =>
        {
            using var document = ParseJson(e);
            var payload = Serialize(w =>
            {
                w.WriteStartObject();
                foreach (var path in parsed)
                {
                    w.WritePropertyName(path.LeafName);
                    if (path.TryFind(document.RootElement, out var found)) found.WriteTo(w);
                    else w.WriteNullValue();
                }
                w.WriteEndObject();
            });
            return e.WithPayload(payload).WithHeader("content-type", "application/json");
        }, context));
    }

    private static JsonDocument ParseJson(Event e)
    {
        try
        {
            return JsonDocument.Parse(e.Payload);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"event {e.Id}: payload is not JSON ({ex.Message})", ex);
        }
    }

    private static byte[] Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        return buffer.WrittenSpan.ToArray();
    }
}

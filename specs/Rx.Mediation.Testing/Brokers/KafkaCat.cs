using System.Text.Json;

namespace Rx.Mediation.Testing;

/// <summary>One message as kcat read it.</summary>
public sealed record KcatMessage(string Topic, int Partition, long Offset, string? Key, string? Payload, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// kcat, the independent Kafka client the specs cross-check the endpoint with: it reads topics back and produces
/// messages with headers, over its own librdkafka connection in its own process.
/// </summary>
public static class KafkaCat
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Every message in <paramref name="topic"/> from the beginning to the current end (kcat <c>-e</c>).</summary>
    public static async Task<IReadOnlyList<KcatMessage>> ReadAllAsync(string bootstrap, string topic)
    {
        var (exit, output) = await Run(["-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-J", "-q"]);
        if (exit != 0) throw new ShouldAssertException($"kcat could not read {topic} (exit {exit}):\n{output}");
        var messages = new List<KcatMessage>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{')) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Array)
            {
                var items = h.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? "" : e.GetString() ?? "").ToList();
                for (var i = 0; i + 1 < items.Count; i += 2) headers[items[i]] = items[i + 1];
            }
            messages.Add(new KcatMessage(
                root.GetProperty("topic").GetString()!,
                root.GetProperty("partition").GetInt32(),
                root.GetProperty("offset").GetInt64(),
                root.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null,
                root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.String ? payload.GetString() : null,
                headers));
        }
        return messages;
    }

    /// <summary>Produces one message per line with the given key and headers, waiting for the broker's acknowledgement.</summary>
    /// <param name="partition">The partition to write to (kcat <c>-p</c>); by default the partitioner chooses.</param>
    public static async Task ProduceAsync(string bootstrap, string topic, IEnumerable<string> lines, string? key = null, IEnumerable<(string Name, string Value)>? headers = null, int? partition = null)
    {
        var arguments = new List<string> { "-b", bootstrap, "-P", "-t", topic, "-X", "acks=all" };
        if (partition is { } p) arguments.AddRange(["-p", p.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (key is not null) arguments.AddRange(["-k", key]);
        foreach (var (name, value) in headers ?? []) arguments.AddRange(["-H", $"{name}={value}"]);
        var (exit, output) = await Run(arguments, string.Join('\n', lines) + "\n");
        if (exit != 0) throw new ShouldAssertException($"kcat could not produce to {topic} (exit {exit}):\n{output}");
    }

    private static Task<(int ExitCode, string Output)> Run(IEnumerable<string> arguments, string? input = null)
    {
        try
        {
            return ExternalProcess.RunAsync("kcat", arguments, Timeout, standardInput: input);
        }
        catch (InvalidOperationException ex)
        {
            throw new BrokerUnavailableException("kcat", ex.Message);
        }
    }
}

using System.Globalization;

namespace Rx.Mediation.Soak;

/// <summary>The soak's shape: how long, how many clients of each kind, and the caps that keep it bounded.</summary>
internal sealed record SoakOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The server's assembly (Rx.Mediation.Server.dll), run with <c>dotnet</c>.</summary>
    public string Server { get; init; } = "";

    public int PostClients { get; init; } = 4;

    public int WebSocketPublishers { get; init; } = 2;

    public int SseSubscribers { get; init; } = 2;

    public int WebSocketSubscribers { get; init; } = 1;

    public int Pollers { get; init; } = 1;

    /// <summary>Subscribers that read slowly, one SSE and one WebSocket each when set: their drops must be counted.</summary>
    public bool SlowReaders { get; init; } = true;

    /// <summary>Every this many POSTs, one body over the server's 1 MiB limit (it must be refused with 413).</summary>
    public int OversizedEvery { get; init; } = 500;

    /// <summary>Events per second, all publishers together: the traffic cap.</summary>
    public int Rate { get; init; } = 2000;

    /// <summary>How many consecutive events share a topic before a publisher moves to a new one (1: a new topic per event).</summary>
    public int TopicChurn { get; init; } = 1;

    public static SoakOptions Parse(string[] args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--duration" => options with { Duration = ParseDuration(Value()) },
                "--server" => options with { Server = Value() },
                "--posts" => options with { PostClients = Int() },
                "--ws-publishers" => options with { WebSocketPublishers = Int() },
                "--sse" => options with { SseSubscribers = Int() },
                "--ws-subscribers" => options with { WebSocketSubscribers = Int() },
                "--pollers" => options with { Pollers = Int() },
                "--no-slow-readers" => options with { SlowReaders = false },
                "--oversized-every" => options with { OversizedEvery = Int() },
                "--rate" => options with { Rate = Int() },
                "--topic-churn" => options with { TopicChurn = Int() },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (string.IsNullOrEmpty(options.Server)) throw new ArgumentException("--server <path to Rx.Mediation.Server.dll> is required");
        return options;
    }

    private static TimeSpan ParseDuration(string text)
    {
        var unit = text[^1];
        var number = double.Parse(char.IsDigit(unit) ? text : text[..^1], CultureInfo.InvariantCulture);
        return unit switch
        {
            'm' => TimeSpan.FromMinutes(number),
            'h' => TimeSpan.FromHours(number),
            _ => TimeSpan.FromSeconds(number),
        };
    }
}

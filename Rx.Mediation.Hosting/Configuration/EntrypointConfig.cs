using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.Http;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Hosting.Entrypoints.WebSockets;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>A web entrypoint declared in the file: its name, type (http, websocket, sse, poll) and bound options.</summary>
public sealed record EntrypointConfig(string Name, string Type, EntrypointOptions Options, string Canonical, ConfigLocation Location)
{
    public static readonly IReadOnlyList<string> Types = ["http", "websocket", "sse", "poll"];

    /// <summary>Where its <c>port</c> is written, if it has one (a reload that needs a new listener is refused there).</summary>
    public ConfigLocation? PortLocation { get; init; }

    public static EntrypointOptions? NewOptions(string type) => type switch
    {
        "http" => new HttpEntrypointOptions(),
        "websocket" or "ws" => new WebSocketEntrypointOptions(),
        "sse" => new SseEntrypointOptions(),
        "poll" => new PollEntrypointOptions(),
        _ => null,
    };

    public WebEntrypoint Create() => Options switch
    {
        HttpEntrypointOptions http => new HttpPostEntrypoint(http),
        WebSocketEntrypointOptions ws => new WebSocketEntrypoint(ws),
        SseEntrypointOptions sse => new SseEntrypoint(sse),
        PollEntrypointOptions poll => new PollEntrypoint(poll),
        _ => throw new InvalidOperationException($"no entrypoint for {Options.GetType().Name}"),
    };
}

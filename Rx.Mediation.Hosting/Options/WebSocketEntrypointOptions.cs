using Rx.Mediation.Connectors.Settings;
namespace Rx.Mediation.Hosting.Options;

public sealed class WebSocketEntrypointOptions : StreamingEntrypointOptions
{
    public WebSocketEntrypointOptions()
    {
        Name = "ws";
        Path = "/ws";
    }

    [Setting("Interval of protocol-level pings, so idle connections survive proxies and dead peers are noticed; `0s` sends none.")]
    [AtLeast("0s")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Setting("Largest inbound message (all its frames together); beyond it the connection is closed with 1009.")]
    [AtLeast(1)]
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    [Setting("Send JSON envelopes `{id, topic, headers, payload}` instead of bare payloads, unless the client says `?envelope=`.")]
    public bool Envelope { get; set; }
}

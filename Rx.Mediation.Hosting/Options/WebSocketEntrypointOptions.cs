namespace Rx.Mediation.Hosting.Options;

public sealed class WebSocketEntrypointOptions : StreamingEntrypointOptions
{
    public WebSocketEntrypointOptions()
    {
        Name = "ws";
        Path = "/ws";
    }

    /// <summary>Interval of protocol-level pings, so idle connections survive proxies and dead peers are noticed.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest inbound message (all its frames together); beyond it the connection is closed with 1009.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Send JSON envelopes <c>{id, topic, headers, payload}</c> instead of bare payloads, unless the client says <c>?envelope=</c>.</summary>
    public bool Envelope { get; set; }

    internal override IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        foreach (var error in base.Validate(name)) yield return error;
        if (!Enabled) yield break;
        if (MaxMessageBytes < 1) yield return new(nameof(MaxMessageBytes), $"{name(nameof(MaxMessageBytes))} must be at least 1, got {MaxMessageBytes}");
        if (KeepAliveInterval < TimeSpan.Zero) yield return new(nameof(KeepAliveInterval), $"{name(nameof(KeepAliveInterval))} must not be negative, got {KeepAliveInterval}");
    }
}

using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Connectors.Tls;

namespace Rx.Mediation.Connectors.Specs.Settings;

/// <summary>A connector's settings class as the specs of <see cref="SettingRules"/> and <see cref="SettingsTable"/> need one.</summary>
public sealed class SampleSettings
{
    [Setting("Broker host.", Required = true, Example = "broker.example.com")]
    public string? Host { get; set; }

    [Setting("Broker port.", Default = "`1883`, `8883` with TLS")]
    [AtLeast(1), AtMost(65535)]
    public int? Port { get; set; } = 1883;

    [Setting("Events queued; past it new ones are dropped | counted.")]
    [AtLeast(1)]
    public int Capacity { get; set; } = 10_000;

    [Setting("Payload bytes queued at most.")]
    public long MaxBytes { get; set; } = 32 * 1024 * 1024;

    [Setting("Resends.")]
    [AtLeast(0)]
    public int Retries { get; set; }

    [Setting("Keep-alive.")]
    [AtLeast("5s"), AtMost("65535s")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    [Setting("Between attempts.")]
    [Positive]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(200);

    [Setting("How long stopping waits.")]
    [AtLeast("0s")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromMinutes(2);

    [Setting("Publish with the retain flag.")]
    public bool Retain { get; set; }

    [Setting("Where events go.")]
    public string Exchange { get; set; } = "";

    [Renamed(nameof(Capacity))]
    public string? QueueCapacity { get; set; }

    [Setting("TLS to the broker.", Default = "off")]
    public TlsSettings Tls { get; set; } = new();

    [Setting("Further client properties.")]
    public Dictionary<string, string> Properties { get; set; } = [];

    /// <summary>Computed, not a setting: left out of the table.</summary>
    public int EffectivePort => Port ?? 1883;
}

using Rx.Mediation.Bridging;

namespace Rx.Mediation.Connectors.Sending;

/// <summary>The shared sending pipeline's settings, filled by each connector from its own (same names everywhere).</summary>
public sealed record SendPipelineOptions
{
    /// <summary>The broker's name in log lines: "MQTT", "RabbitMQ", "AMQP 1.0".</summary>
    public required string Kind { get; init; }

    /// <summary>Events the outbound queue holds; routes hold back at half of it.</summary>
    public int OutboundCapacity { get; init; } = 10_000;

    /// <summary>Payload bytes the outbound queue holds; routes hold back at half of it.</summary>
    public long OutboundMaxBytes { get; init; } = OutboundQueue.DefaultMaxBytes;

    /// <summary>Sends awaiting the broker's answer at once.</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>The first wait before sending again; doubled on each retry (with jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends again after the broker refused an event this many times; the next refusal fails it. A failed connection
    /// is not a refusal: the event waits for the reconnect however long it takes.
    /// </summary>
    public int RefusalRetries { get; init; } = 4;

    /// <summary>An attempt with no answer within this long is sent again (counted like a failed connection); null: no limit.</summary>
    public TimeSpan? AttemptTimeout { get; init; }
}

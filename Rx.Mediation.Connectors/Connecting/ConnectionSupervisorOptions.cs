namespace Rx.Mediation.Connectors.Connecting;

/// <summary>How a connector's <see cref="ConnectionSupervisor"/> reconnects and reports, filled from the connector's own settings.</summary>
public sealed record ConnectionSupervisorOptions
{
    /// <summary>The broker's name in log lines: "MQTT", "RabbitMQ", "AMQP 1.0".</summary>
    public required string Kind { get; init; }

    /// <summary>Where the endpoint connects, as health details and logs show it (never with a password).</summary>
    public required string Target { get; init; }

    /// <summary>The wait before the first reconnect attempt, doubled after each failed attempt up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a connection that was up may stay down and the endpoint still be Degraded (a broker restart takes
    /// seconds) before it is Unhealthy. An endpoint that never connected is Unhealthy from the first failure.
    /// </summary>
    public TimeSpan OutageBeforeUnhealthy { get; init; } = TimeSpan.FromSeconds(30);
}

using Rx.Mediation.Connectors;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Hosting.Endpoints.Memory;

/// <summary>
/// Type <c>memory</c>: more in-process broker endpoints besides the embedded one. Settings: <c>Subscriptions</c>
/// (comma-separated MQTT-style filters, default <c>#</c>). The memory endpoints one catalog makes share one broker,
/// so an event sent to one reaches the subscriptions of all.
/// </summary>
public sealed class MemoryEndpointProvider : IEndpointProvider
{
    private readonly InMemoryBroker _broker = new();

    public IReadOnlyCollection<string> Types { get; } = ["memory"];

    public IEndpoint Create(EndpointContext context)
    {
        var settings = context.Bind<MemorySettings>();
        var filters = (settings.Subscriptions ?? "#").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var filter in filters)
        {
            if (!Rx.Mediation.Topics.TopicPattern.TryParse(filter, out _, out var error))
                throw new EndpointConfigurationException(context.Name, $"{context.Key}:Subscriptions", $"has a bad filter: {error}");
        }
        return new MemoryEndpoint(context.Name, _broker, filters);
    }

    private sealed class MemorySettings
    {
        public string? Subscriptions { get; set; }
    }
}

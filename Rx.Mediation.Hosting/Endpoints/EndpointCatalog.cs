using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Connectors;
using Rx.Mediation.Hosting.Endpoints.Memory;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Hosting.Endpoints;

/// <summary>
/// Builds the endpoints named under <c>Mediation:Endpoints</c>: each section has a <c>Type</c> and that type's settings.
/// <code>
/// "Endpoints": { "orders": { "Type": "kafka", "BootstrapServers": "127.0.0.1:9092", "Topics": "orders" } }
/// </code>
/// </summary>
public sealed class EndpointCatalog
{
    private readonly Dictionary<string, IEndpointProvider> _providers;

    /// <param name="connectors">
    /// The broker connectors served, e.g. <c>new KafkaEndpointProvider()</c>; the in-memory broker (<c>memory</c>) is
    /// always there. A later provider of the same type wins.
    /// </param>
    public EndpointCatalog(IEnumerable<IEndpointProvider>? connectors = null)
    {
        _providers = new Dictionary<string, IEndpointProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in connectors?.Prepend(new MemoryEndpointProvider()) ?? [new MemoryEndpointProvider()])
        {
            foreach (var type in provider.Types) _providers[type] = provider;
        }
    }

    public IReadOnlyCollection<string> KnownTypes => _providers.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// One endpoint per configured section. An unknown type or a bad setting does not stop the server: that endpoint
    /// becomes an <see cref="UnavailableEndpoint"/> carrying the error, which is also returned for logging.
    /// </summary>
    public (IReadOnlyList<IEndpoint> Endpoints, IReadOnlyList<string> Errors) Create(IConfiguration configuration, ILoggerFactory loggerFactory)
    {
        var endpoints = new List<IEndpoint>();
        var errors = new List<string>();
        foreach (var section in configuration.GetSection($"{MediationOptions.Section}:Endpoints").GetChildren())
        {
            var name = section.Key;
            var type = section["Type"]?.Trim().ToLowerInvariant();
            string? error = null;
            if (string.IsNullOrEmpty(type))
            {
                error = $"endpoint '{name}': {section.Path}:Type is required (one of {string.Join(", ", KnownTypes)})";
            }
            else if (!_providers.TryGetValue(type, out var provider))
            {
                error = $"endpoint '{name}': {section.Path}:Type '{type}' is not a known endpoint type (known: {string.Join(", ", KnownTypes)})";
            }
            else
            {
                try
                {
                    endpoints.Add(provider.Create(new EndpointContext(name, type, section, loggerFactory)));
                }
                catch (EndpointConfigurationException ex)
                {
                    error = ex.Message;
                }
            }
            if (error is not null)
            {
                errors.Add(error);
                endpoints.Add(new UnavailableEndpoint(name, error));
            }
        }
        return (endpoints, errors);
    }
}

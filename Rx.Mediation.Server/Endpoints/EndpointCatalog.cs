using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Nodes;
using Rx.Mediation.Server.Options;

namespace Rx.Mediation.Server.Endpoints;

/// <summary>
/// Builds the endpoints named under <c>Mediation:Endpoints</c>: each section has a <c>Type</c> and that type's settings.
/// <code>
/// "Endpoints": { "orders": { "Type": "kafka", "BootstrapServers": "127.0.0.1:9092", "Topics": "orders" } }
/// </code>
/// </summary>
public sealed class EndpointCatalog
{
    private readonly Dictionary<string, IEndpointProvider> _providers;

    public EndpointCatalog(IEnumerable<IEndpointProvider>? providers = null)
    {
        _providers = new Dictionary<string, IEndpointProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in providers ?? Discover())
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

    private static IEnumerable<IEndpointProvider> Discover() =>
        typeof(EndpointCatalog).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IEndpointProvider).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IEndpointProvider)Activator.CreateInstance(t)!);
}

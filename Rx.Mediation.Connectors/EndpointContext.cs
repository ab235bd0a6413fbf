using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Rx.Mediation.Connectors;

/// <summary>What a provider gets to build one endpoint: its name, type, settings and logging.</summary>
public sealed record EndpointContext(string Name, string Type, IConfigurationSection Settings, ILoggerFactory LoggerFactory)
{
    /// <summary>
    /// A context for an endpoint built in code from a settings object rather than bound from configuration: errors name
    /// the setting as <c>{name}:{setting}</c>; without <paramref name="loggerFactory"/> nothing is logged.
    /// </summary>
    public static EndpointContext InCode(string name, string type, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(name, type, new ConfigurationBuilder().Build().GetSection(name), loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>The configuration key of this endpoint, e.g. <c>Mediation:Endpoints:orders</c>, for error messages.</summary>
    public string Key => Settings.Path;

    /// <summary>
    /// Binds the settings to <typeparamref name="T"/>, durations read as everywhere else (<see cref="DurationSettings"/>);
    /// a value of the wrong type is reported with its key.
    /// </summary>
    public T Bind<T>() where T : new()
    {
        var options = new T();
        try
        {
            var refused = DurationSettings.Bind(Settings, options, o => o.ErrorOnUnknownConfiguration = false);
            if (refused.Count > 0) throw new EndpointConfigurationException(Name, $"{Key}:{refused[0].Key}", DurationSettings.Problem(refused[0].Value));
        }
        catch (InvalidOperationException ex)
        {
            throw new EndpointConfigurationException(Name, Key, ex.InnerException?.Message ?? ex.Message);
        }
        return options;
    }

    /// <summary>A required setting, with a clear error naming its key when it is missing.</summary>
    public string Required(string setting, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw new EndpointConfigurationException(Name, $"{Key}:{setting}", "is required") : value;
}

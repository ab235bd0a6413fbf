using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Server.Configuration;

namespace Rx.Mediation.Server.Endpoints;

/// <summary>What a provider gets to build one endpoint: its name, type, settings and logging.</summary>
public sealed record EndpointContext(string Name, string Type, IConfigurationSection Settings, ILoggerFactory LoggerFactory)
{
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

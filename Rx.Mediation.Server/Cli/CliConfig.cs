using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Endpoints;

namespace Rx.Mediation.Server.Cli;

/// <summary>Loads a configuration file for the CLI exactly as the server would, endpoint settings included.</summary>
internal static class CliConfig
{
    public static (ServerConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string path)
    {
        if (!File.Exists(path)) return (null, [new ConfigError(new ConfigLocation(path, 1, 1), "the file does not exist")]);
        var catalog = Composition.Catalog();
        var (config, errors) = ServerConfigReader.Load(path, catalog.KnownTypes);
        if (config is null) return (null, errors);
        try
        {
            // Providers check their settings when they create an endpoint; creating does not connect.
            ConfigRuntime.CreateEndpoints(catalog, NullLoggerFactory.Instance, config.Endpoints);
        }
        catch (ConfigException ex)
        {
            return (null, ex.Errors);
        }
        return (config, []);
    }

    public static int Usage(TextWriter error, string usage)
    {
        error.WriteLine($"usage: {usage}");
        return ExitCodes.Usage;
    }

    public static int Errors(TextWriter error, IReadOnlyList<ConfigError> errors)
    {
        foreach (var e in errors) error.WriteLine(e);
        error.WriteLine($"{errors.Count} error(s)");
        return ExitCodes.InvalidFile;
    }
}

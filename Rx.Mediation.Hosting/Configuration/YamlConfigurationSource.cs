using Microsoft.Extensions.Configuration;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// The configuration file as a .NET configuration source: its <c>server:</c> section is the <c>Mediation:</c> options
/// tree written in kebab case, so appsettings, the file, environment variables and the command line (in that order,
/// the later winning) feed one tree, bound and validated once. The keys keep their line and column
/// (<see cref="YamlKeys"/>) for the errors.
/// </summary>
public sealed class YamlConfigurationSource(YamlKeys keys) : IConfigurationSource
{
    public YamlKeys Keys { get; } = keys;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(Keys);

    /// <summary>
    /// Adds <paramref name="source"/> after the JSON files (appsettings) and before the environment variables and the
    /// command line, so those still override the file, as they override appsettings.
    /// </summary>
    public static void AddBeforeEnvironment(IConfigurationBuilder configuration, YamlConfigurationSource source)
    {
        var sources = configuration.Sources;
        var lastJson = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource) lastJson = i;
        }
        sources.Insert(lastJson >= 0 ? lastJson + 1 : 0, source);
    }

    private sealed class Provider(YamlKeys keys) : ConfigurationProvider
    {
        public override void Load() => Data = new Dictionary<string, string?>(keys.Values, StringComparer.OrdinalIgnoreCase);
    }
}

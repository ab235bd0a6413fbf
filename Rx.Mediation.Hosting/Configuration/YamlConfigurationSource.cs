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
    private Provider? _provider;

    public YamlKeys Keys { get; private set; } = keys;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => _provider = new Provider(this);

    /// <summary>
    /// A new version of the file was applied: its <c>server:</c> keys replace these, and the configuration signals a
    /// reload, so what follows reloads (<see cref="Security.Identity.RightsReload"/>) sees them. Nothing is signalled when
    /// the keys are the same.
    /// </summary>
    public void Replace(YamlKeys next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var same = next.Values.Count == Keys.Values.Count
                   && next.Values.All(v => Keys.Values.TryGetValue(v.Key, out var value) && value == v.Value);
        Keys = next;
        if (!same) _provider?.Reload();
    }

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

    private sealed class Provider(YamlConfigurationSource source) : ConfigurationProvider
    {
        public override void Load() => Data = new Dictionary<string, string?>(source.Keys.Values, StringComparer.OrdinalIgnoreCase);

        public void Reload()
        {
            Load();
            OnReload();
        }
    }
}

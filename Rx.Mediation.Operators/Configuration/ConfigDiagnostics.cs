using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>
/// Collects every problem of one file instead of stopping at the first, so one <c>validate</c> run shows them all.
/// </summary>
public sealed class ConfigDiagnostics(string file)
{
    private readonly List<ConfigError> _errors = [];

    public string File { get; } = file;

    public IReadOnlyList<ConfigError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public ConfigLocation At(YamlNode node) => ConfigLocation.Of(File, node);

    public void Error(YamlNode node, string message) => _errors.Add(new ConfigError(At(node), message));

    public void Error(ConfigLocation location, string message) => _errors.Add(new ConfigError(location, message));

    public void ThrowIfAny()
    {
        if (HasErrors) throw new ConfigException([.. _errors.OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column)]);
    }
}

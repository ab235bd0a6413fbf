namespace Rx.Mediation.Operators.Configuration;

/// <summary>A configuration that does not validate; <see cref="Errors"/> lists every problem with its position.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}

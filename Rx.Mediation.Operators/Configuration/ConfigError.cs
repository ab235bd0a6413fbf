namespace Rx.Mediation.Operators.Configuration;

/// <summary>One problem in a configuration file, at the line and column that causes it.</summary>
public sealed record ConfigError(ConfigLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>Where something is in a configuration file: file, 1-based line and column.</summary>
public readonly record struct ConfigLocation(string File, int Line, int Column)
{
    public static ConfigLocation Of(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    public static ConfigLocation Of(string file, YamlNode node) => Of(file, node.Start);

    /// <summary>The same line, <paramref name="columns"/> further right (a position inside a scalar).</summary>
    public ConfigLocation Shift(int columns) => this with { Column = Column + columns };

    public override string ToString() => $"{File}:{Line}:{Column}";
}

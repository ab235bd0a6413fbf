using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// <c>server: packet-log:</c> follows reloads, unlike the rest of the <c>server:</c> section, so it is left out of that
/// section's canonical text (<see cref="WithoutSection"/>), whose changes need a restart.
/// </summary>
public static class PacketLogConfigReader
{
    public const string Key = "packet-log";

    /// <summary>The <c>server:</c> mapping without this section (the same node when it has none).</summary>
    public static YamlMappingNode WithoutSection(YamlMappingNode server)
    {
        if (!server.Children.Keys.Any(IsSectionKey)) return server;
        var copy = new YamlMappingNode();
        foreach (var (key, value) in server.Children.Where(c => !IsSectionKey(c.Key))) copy.Add(key, value);
        return copy;
    }

    private static bool IsSectionKey(YamlNode key) => key is YamlScalarNode { Value: Key };
}

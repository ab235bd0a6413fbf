using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// The file's <c>server:</c> section: the <c>Mediation:</c> options tree in kebab case (<see cref="MediationOptions.ServerSection"/>),
/// as configuration keys fed to the server's one configuration (<see cref="YamlConfigurationSource"/>). Read at start;
/// a change needs a restart, except <c>packet-log</c> and <c>security: rights</c>, which follow reloads (<see cref="ServerSections"/>).
/// </summary>
public sealed record ServerSettings
{
    /// <summary>The section as <c>Mediation:…</c> keys, each with its place in the file.</summary>
    public YamlKeys Keys { get; init; } = new();

    /// <summary>The section alone over the defaults (what the file says, before environment variables and the command line).</summary>
    public MediationOptions Options { get; init; } = new();

    /// <summary><c>packet-log:</c>, or null when the file has none; unlike the rest of the section it follows reloads.</summary>
    public Operations.PacketLog.PacketLogOptions? PacketLog => Keys.Sets(Operations.PacketLog.PacketLogOptions.Section) ? Options.PacketLog : null;

    public TimeSpan ReloadDebounce => Options.ReloadDebounce;
}

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>One route's own packet log settings; what is not set here comes from <see cref="PacketLogOptions"/>.</summary>
public sealed class PacketLogRouteOptions
{
    public PacketLogLevel? Level { get; set; }

    /// <summary>The share of events whose flow stages are logged, as in <see cref="PacketLogOptions.Sample"/>.</summary>
    public string? Sample { get; set; }
}

namespace Rx.Mediation.Hosting.Options;

/// <summary>The embedded in-process broker, so the server works with no external service.</summary>
public sealed class MemoryEndpointOptions
{
    public bool Enabled { get; set; } = true;

    public string Name { get; set; } = "memory";
}

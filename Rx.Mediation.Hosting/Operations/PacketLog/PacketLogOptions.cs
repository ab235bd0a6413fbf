namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// The packet log's settings: <c>Mediation:PacketLog</c> in appsettings.json, or <c>server: packet-log:</c> in the YAML
/// configuration file. Level and sampling (default and per route) follow reloads; <see cref="Capacity"/> and
/// <see cref="ReportInterval"/> are read at start.
/// </summary>
public sealed class PacketLogOptions
{
    public const string Section = "Mediation:PacketLog";

    /// <summary>Default level of every route (and of entrypoints' slow-client drops).</summary>
    public PacketLogLevel Level { get; set; } = PacketLogLevel.Flow;

    /// <summary>
    /// The share of events whose received, routed and delivered lines are written at level flow: <c>1/1000</c>, a
    /// fraction such as <c>0.01</c>, a percentage such as <c>1%</c>, <c>1</c> (every event) or <c>0</c> (none).
    /// Drops and failures are never sampled.
    /// </summary>
    public string Sample { get; set; } = "1/1000";

    /// <summary>Lines the log's own queue holds; when it is full, new lines are dropped and counted.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>How often the log's own drops are reported as a warning (only when there were any).</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Per-route overrides, by route name (exact case).</summary>
    public Dictionary<string, PacketLogRouteOptions> Routes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every problem, each naming its key under <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> Validate(string prefix = Section)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Level)) errors.Add($"{prefix}:Level must be off, errors or flow, got '{Level}'");
        if (!PacketSampling.TryParse(Sample, out _, out var sampleError)) errors.Add($"{prefix}:Sample {sampleError}");
        if (Capacity < 1) errors.Add($"{prefix}:Capacity must be at least 1, got {Capacity}");
        if (ReportInterval <= TimeSpan.Zero) errors.Add($"{prefix}:ReportInterval must be positive, got {ReportInterval}");
        foreach (var (name, route) in Routes)
        {
            if (route is null) continue;
            if (route.Level is { } level && !Enum.IsDefined(level)) errors.Add($"{prefix}:Routes:{name}:Level must be off, errors or flow, got '{level}'");
            if (route.Sample is { } sample && !PacketSampling.TryParse(sample, out _, out var error)) errors.Add($"{prefix}:Routes:{name}:Sample {error}");
        }
        return errors;
    }
}

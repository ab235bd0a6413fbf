namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>Validated <see cref="PacketLogOptions"/>: the default route settings and each route's own.</summary>
public sealed class PacketLogSettings
{
    private readonly Dictionary<string, PacketRouteSettings> _routes;

    private PacketLogSettings(PacketRouteSettings defaults, Dictionary<string, PacketRouteSettings> routes, int capacity, TimeSpan reportInterval)
    {
        Default = defaults;
        _routes = routes;
        Capacity = capacity;
        ReportInterval = reportInterval;
    }

    public PacketRouteSettings Default { get; }

    public IReadOnlyDictionary<string, PacketRouteSettings> Routes => _routes;

    public int Capacity { get; }

    /// <summary>Level off for every route (and by default): nothing would be logged, so the log need not even be attached.</summary>
    public bool IsSilent => Default.Level == PacketLogLevel.Off && _routes.Values.All(r => r.Level == PacketLogLevel.Off);

    public TimeSpan ReportInterval { get; }

    public PacketRouteSettings For(string? route) =>
        route is not null && _routes.TryGetValue(route, out var own) ? own : Default;

    /// <summary>Compiles <paramref name="options"/>; throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static PacketLogSettings From(PacketLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid packet log settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors), nameof(options));
        var sampling = PacketSampling.Parse(options.Sample);
        var routes = new Dictionary<string, PacketRouteSettings>(StringComparer.Ordinal);
        foreach (var (name, route) in options.Routes)
        {
            if (route is null) continue;
            routes[name] = new PacketRouteSettings(route.Level ?? options.Level, route.Sample is { } own ? PacketSampling.Parse(own) : sampling);
        }
        return new PacketLogSettings(new PacketRouteSettings(options.Level, sampling), routes, options.Capacity, options.ReportInterval);
    }

    /// <summary>Whether level and sampling (default and per route) are the same; capacity and interval do not count.</summary>
    public bool SameFiltering(PacketLogSettings other) =>
        Same(Default, other.Default)
        && _routes.Count == other._routes.Count
        && _routes.All(r => other._routes.TryGetValue(r.Key, out var o) && Same(r.Value, o));

    private static bool Same(PacketRouteSettings a, PacketRouteSettings b) => a.Level == b.Level && a.Sampling == b.Sampling;

    public override string ToString() =>
        Default + (_routes.Count == 0 ? "" : "; " + string.Join("; ", _routes.Select(r => $"{r.Key}: {r.Value}")));
}

using System.Globalization;

namespace Rx.Mediation.Connectors.Settings;

/// <summary>Setting values and names as the configuration writes them, for refusals and the docs' settings tables.</summary>
public static class SettingValues
{
    /// <summary>
    /// <c>10000</c>, <c>true</c>, choices as the file writes them (<c>drop-oldest</c>), and durations with the unit the configuration reads (<c>2m</c>, <c>10s</c>,
    /// <c>200ms</c>), rather than <see cref="TimeSpan"/>'s <c>00:00:00.2000000</c>.
    /// </summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        TimeSpan duration => Duration(duration),
        bool flag => flag ? "true" : "false",
        Enum choice => Kebab(choice.ToString()),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The largest whole unit that writes the duration exactly.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) return "0s";
        if (duration.Ticks % TimeSpan.TicksPerMillisecond != 0) return $"{duration.TotalMicroseconds.ToString(CultureInfo.InvariantCulture)}us";
        if (duration.Ticks % TimeSpan.TicksPerSecond != 0) return $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        if (duration.Ticks % TimeSpan.TicksPerHour == 0) return $"{duration.TotalHours.ToString(CultureInfo.InvariantCulture)}h";
        if (duration.Ticks % TimeSpan.TicksPerMinute == 0) return $"{duration.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m";
        return $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
    }

    /// <summary>A property name as the YAML file writes its key: <c>BootstrapServers</c> → <c>bootstrap-servers</c>.</summary>
    public static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>Durations as written in configuration: <c>200ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, <c>500us</c>, or <c>00:00:01</c>.</summary>
public static partial class ConfigDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var match = Pattern().Match(text.Trim());
        if (match.Success)
        {
            var amount = decimal.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            var ticksPerUnit = match.Groups["u"].Value switch
            {
                "us" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
            value = TimeSpan.FromTicks((long)(amount * ticksPerUnit));
            return true;
        }
        return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>us|ms|s|m|h)$")]
    private static partial Regex Pattern();
}

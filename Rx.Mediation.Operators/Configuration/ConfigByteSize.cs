using System.Globalization;
using System.Text.RegularExpressions;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>
/// Sizes as written in configuration: a number of bytes (<c>1048576</c>) or a whole number of binary units
/// (<c>512B</c>, <c>64KiB</c>, <c>32MiB</c>, <c>1GiB</c>). Decimal units (MB) are refused rather than guessed at.
/// </summary>
public static partial class ConfigByteSize
{
    public const string Expected = "a size in bytes such as 1048576, 512KiB, 32MiB or 1GiB";

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)) return false;
        var shift = match.Groups["u"].Value.ToLowerInvariant() switch
        {
            "kib" => 10,
            "mib" => 20,
            "gib" => 30,
            _ => 0,
        };
        if (amount > long.MaxValue >> shift) return false;
        bytes = amount << shift;
        return true;
    }

    [GeneratedRegex(@"^(?<n>\d+)\s*(?<u>B|KiB|MiB|GiB)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}

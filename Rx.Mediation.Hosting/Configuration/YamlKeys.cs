using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// A section of the configuration file as .NET configuration keys (<c>server: admin: key</c> →
/// <c>Mediation:Admin:Key</c>), with, for every key, its path as the file writes it and where its value stands: what
/// <see cref="YamlConfigurationSource"/> feeds into the options tree, and how a validator's refusal naming a key is
/// turned back into the file's words at its line and column.
/// </summary>
public sealed class YamlKeys
{
    public Dictionary<string, string?> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every key (values, and the mappings and lists holding them) → its path as written and its place.</summary>
    public Dictionary<string, (string Written, ConfigLocation Location)> Written { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the file sets anything under <paramref name="prefix"/> (a configuration key).</summary>
    public bool Sets(string prefix) => Written.Keys.Any(k => k.Equals(prefix, StringComparison.OrdinalIgnoreCase) || k.StartsWith(prefix + ":", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// <paramref name="problem"/> (which starts with or names a configuration key) in the file's words, at the place
    /// of the longest key of this section it names; null when it names none. With <paramref name="winner"/>, a key
    /// whose value another source overrode is not the file's to answer for.
    /// </summary>
    public ConfigError? Place(string problem, Func<string, string?>? winner = null)
    {
        // The key a problem is about comes first in it (Mediation:Admin:Key must …).
        var subject = problem.Split(' ', 2)[0].TrimEnd(',', ':');
        if (winner is not null && winner(subject) is { } value && (!Values.TryGetValue(subject, out var mine) || mine != value)) return null;
        var named = Written.Where(w => Names(problem, w.Key)).OrderByDescending(w => w.Key.Length).FirstOrDefault();
        if (named.Key is null) return null;
        var at = problem.IndexOf(named.Key, StringComparison.OrdinalIgnoreCase);
        var end = at + named.Key.Length;
        var written = named.Value.Written;
        // A key the file leaves out, under a mapping it writes (jwt: without audience): named as the file would write it.
        while (end < problem.Length && problem[end] == ':')
        {
            var next = problem.IndexOfAny([':', ' ', ','], end + 1);
            if (next < 0) next = problem.Length;
            var segment = problem[(end + 1)..next];
            written += ": " + (int.TryParse(segment, out _) ? segment : SettingValues.Kebab(segment));
            end = next;
        }
        return new ConfigError(named.Value.Location, $"{problem[..at]}{Quoted(written)}{problem[end..]}");
    }

    /// <summary><c>server: admin: key</c> → <c>server: admin: 'key'</c>: the last step quoted, as the file's other errors write it.</summary>
    internal static string Quoted(string written)
    {
        var last = written.LastIndexOf(": ", StringComparison.Ordinal);
        return last < 0 ? $"'{written}'" : $"{written[..(last + 2)]}'{written[(last + 2)..]}'";
    }

    private static bool Names(string problem, string key)
    {
        var at = problem.IndexOf(key, StringComparison.OrdinalIgnoreCase);
        return at >= 0 && (at + key.Length == problem.Length || problem[at + key.Length] is ' ' or ',' or ':');
    }
}

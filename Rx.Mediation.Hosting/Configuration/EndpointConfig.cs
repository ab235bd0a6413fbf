using Microsoft.Extensions.Configuration;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// A broker endpoint declared in the file: a <c>type</c> known to the <see cref="Endpoints.EndpointCatalog"/> and the
/// settings its provider reads, as the configuration section <c>Mediation:Endpoints:{name}</c>.
/// </summary>
public sealed record EndpointConfig(string Name, string Type, IReadOnlyDictionary<string, string?> Settings, string Canonical, ConfigLocation Location)
{
    public string Key => $"{MediationOptions.Section}:Endpoints:{Name}";

    /// <summary>Each setting's configuration key → the key as the file writes it and where its value stands.</summary>
    public IReadOnlyDictionary<string, (string Written, ConfigLocation Location)> Written { get; init; } =
        new Dictionary<string, (string, ConfigLocation)>();

    /// <summary>
    /// A provider's refusal in the file's words: placed at the value of the setting it names, the setting spelled as
    /// written (<c>'message-timeout'</c> rather than <c>Mediation:Endpoints:orders:MessageTimeout</c>); at the
    /// endpoint's name when it names none.
    /// </summary>
    public ConfigError ErrorFor(string problem)
    {
        var named = Written.Where(w => Names(problem, w.Key)).OrderByDescending(w => w.Key.Length).FirstOrDefault();
        if (named.Key is null) return new ConfigError(Location, problem);
        var at = problem.IndexOf(named.Key, StringComparison.OrdinalIgnoreCase);
        return new ConfigError(named.Value.Location, $"{problem[..at]}'{named.Value.Written}'{problem[(at + named.Key.Length)..]}");
    }

    private static bool Names(string problem, string key)
    {
        var at = problem.IndexOf(key, StringComparison.OrdinalIgnoreCase);
        return at >= 0 && (at + key.Length == problem.Length || problem[at + key.Length] is ' ' or ':' or ',');
    }

    /// <summary>A configuration holding only this endpoint, in the shape the catalog reads.</summary>
    public IConfiguration ToConfiguration()
    {
        var values = new Dictionary<string, string?>(Settings, StringComparer.OrdinalIgnoreCase) { [$"{Key}:Type"] = Type };
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}

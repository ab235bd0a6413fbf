using Microsoft.Extensions.Configuration;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Server.Options;

namespace Rx.Mediation.Server.Configuration;

/// <summary>
/// A broker endpoint declared in the file: a <c>type</c> known to the <see cref="Endpoints.EndpointCatalog"/> and the
/// settings its provider reads, as the configuration section <c>Mediation:Endpoints:{name}</c>.
/// </summary>
public sealed record EndpointConfig(string Name, string Type, IReadOnlyDictionary<string, string?> Settings, string Canonical, ConfigLocation Location)
{
    public string Key => $"{MediationOptions.Section}:Endpoints:{Name}";

    /// <summary>A configuration holding only this endpoint, in the shape the catalog reads.</summary>
    public IConfiguration ToConfiguration()
    {
        var values = new Dictionary<string, string?>(Settings, StringComparer.OrdinalIgnoreCase) { [$"{Key}:Type"] = Type };
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}

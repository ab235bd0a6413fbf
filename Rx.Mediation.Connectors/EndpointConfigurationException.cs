namespace Rx.Mediation.Connectors;

/// <summary>An endpoint's configuration is wrong: names the endpoint, the setting's key and what was expected.</summary>
public sealed class EndpointConfigurationException(string endpoint, string key, string problem)
    : Exception($"endpoint '{endpoint}': {key} {problem}")
{
    public string Endpoint { get; } = endpoint;

    public string Key { get; } = key;

    /// <summary>What is wrong with the setting, without the endpoint and key.</summary>
    public string Problem { get; } = problem;
}

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// Which configuration file the server runs from: <c>--config path</c>, else <c>RX_MEDIATION_CONFIG</c>, else
/// <c>config.yaml</c> in the working directory if it exists, else none (the embedded default of appsettings.json).
/// </summary>
public static class ConfigFileLocator
{
    public const string EnvironmentVariable = "RX_MEDIATION_CONFIG";

    public const string DefaultFile = "config.yaml";

    /// <summary>The file, or null; an explicitly named file that does not exist is an error.</summary>
    public static string? Find(string? fromCommandLine)
    {
        var named = string.IsNullOrWhiteSpace(fromCommandLine) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : fromCommandLine;
        if (!string.IsNullOrWhiteSpace(named))
        {
            var full = Path.GetFullPath(named);
            return File.Exists(full) ? full : throw new FileNotFoundException($"configuration file '{full}' does not exist", full);
        }
        var fallback = Path.GetFullPath(DefaultFile);
        return File.Exists(fallback) ? fallback : null;
    }
}

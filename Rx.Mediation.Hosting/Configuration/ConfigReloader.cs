using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// Reads the file again, validates it as a whole and applies it. Identical content does nothing; an invalid file
/// leaves the running configuration as it is, logs each error with file:line:column and shows it on the admin endpoint.
/// </summary>
public sealed class ConfigReloader(
    string path, ConfigRuntime runtime, IReadOnlyCollection<string> endpointTypes, IReadOnlyCollection<string> otherNodes, ILogger<ConfigReloader> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _lastRefusedHash;

    public string Path { get; } = path;

    public ConfigRuntime Runtime { get; } = runtime;

    /// <summary>Returns true when a new version was applied.</summary>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // Mid-write or being replaced: the watcher sees the next change and tries again.
                logger.LogWarning("Configuration {File} could not be read ({Reason}); keeping the running version", Path, ex.Message);
                return false;
            }
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            if (hash == Runtime.Active.Hash || hash == _lastRefusedHash) return false;

            var (config, errors) = ServerConfigReader.Parse(text, Path, endpointTypes, otherNodes);
            if (config is not null)
            {
                try
                {
                    await Runtime.ApplyAsync(config, cancellationToken).ConfigureAwait(false);
                    _lastRefusedHash = null;
                    return true;
                }
                catch (ConfigException ex)
                {
                    errors = ex.Errors;
                }
                catch (Exception ex) when (ex is RouteBuildException or ArgumentException or InvalidOperationException)
                {
                    // Validation should have caught it; if the engine still refuses, say so like any other refusal.
                    errors = [new ConfigError(new ConfigLocation(Path, 1, 1), ex.Message)];
                }
            }
            _lastRefusedHash = hash;
            Runtime.Status.Failed(errors, DateTimeOffset.UtcNow);
            foreach (var error in errors)
            {
                logger.LogError("Configuration refused, version {Version} keeps running: {File}:{Line}:{Column}: {Error}",
                    Runtime.Status.Current.Version, error.Location.File, error.Location.Line, error.Location.Column, error.Message);
            }
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Puts changed <c>Mediation:Security:Rights</c> in force while the server runs, whatever source they come from: an
/// appsettings file that reloads, or the configuration file's <c>server: security: rights</c> once a reload of it is
/// applied (<see cref="Configuration.YamlConfigurationSource.Replace"/>). New requests and messages are judged by the
/// new rights; open subscriptions they no longer cover are ended (<see cref="Entrypoints.WebEntrypoint.EndRevokedSubscriptions"/>).
/// Rights with a problem are refused, each problem logged naming its key, and the running ones stay in force (the
/// configuration file's are refused before, at their line, with the rest of the file).
/// </summary>
public sealed class RightsReload(CallerAccess access, IConfiguration configuration, EntrypointRegistry entrypoints, ILogger<RightsReload> logger)
    : IHostedService, IDisposable
{
    public const string Section = "Mediation:Security:Rights";

    private readonly object _gate = new();
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate) _subscription ??= ChangeToken.OnChange(configuration.GetReloadToken, Apply);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _subscription?.Dispose();
            _subscription = null;
        }
    }

    /// <summary>Reads the rights again; applies them when they changed and have no problem.</summary>
    public void Apply()
    {
        lock (_gate)
        {
            if (_subscription is null) return;
            var running = access.Rights;
            Dictionary<string, TopicRightsSettings> next = new(StringComparer.Ordinal);
            List<string> problems;
            try
            {
                configuration.GetSection(Section).Bind(next);
                problems = [.. SecurityOptions.RightsProblems("Mediation:Security", next)];
            }
            catch (InvalidOperationException ex)
            {
                // The binder's message names the key and the value.
                problems = [ex.Message];
            }
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                    logger.LogError("Rights refused, the running ones (generation {RightsGeneration}) stay in force: {Error}", running.Generation, problem);
                return;
            }
            if (running.Says(next)) return;
            var applied = access.Replace(next);
            int ended;
            try
            {
                ended = entrypoints.Current.Sum(e => e.EndRevokedSubscriptions());
            }
            catch (AggregateException ex)
            {
                // A session's own cancellation handler failed: the new rights are in force all the same, and every
                // new request and message is judged by them; a reload runs this from a configuration change callback,
                // which must not throw.
                logger.LogError(ex, "Rights applied (generation {RightsGeneration}), but ending the subscriptions they no longer cover failed: {Reason}", applied.Generation, ex.Message);
                return;
            }
            logger.LogInformation("Rights applied (generation {RightsGeneration}): {RightsEntries} entries; {EndedSubscriptions} open subscriptions they no longer cover were ended",
                applied.Generation, next.Count, ended);
            if (next.Count == 0)
                logger.LogWarning("Rights applied with no entry at all: every authenticated caller may now publish and subscribe to every topic");
        }
    }
}

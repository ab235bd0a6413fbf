using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Server.Cli;

/// <summary>
/// No command: runs the server. What stops the start is printed as lines naming the setting, without a stack trace:
/// an invalid configuration file exits <see cref="ExitCodes.InvalidFile"/>, anything else that keeps it from starting
/// (a malformed setting, a bad URL, https without a certificate, a port in use, a missing file) <see cref="ExitCodes.StartupFailed"/>.
/// </summary>
public static partial class ServeCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        WebApplication app;
        try
        {
            app = Composition.Build(args);
        }
        catch (ConfigException ex)
        {
            return CliConfig.Errors(error, ex.Errors);
        }
        catch (SettingsException ex)
        {
            foreach (var problem in ex.Problems) error.WriteLine(problem);
            return ExitCodes.StartupFailed;
        }
        catch (FileNotFoundException ex)
        {
            error.WriteLine(ex.Message);
            return ExitCodes.StartupFailed;
        }
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            error.WriteLine(AddressInUse(app, ex.Message));
            await app.DisposeAsync();
            return ExitCodes.StartupFailed;
        }
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return ExitCodes.Ok;
    }

    /// <summary>Kestrel's "Failed to bind to address …" with the setting that chose that port.</summary>
    public static string AddressInUse(WebApplication app, string message)
    {
        var port = PortPattern().Match(message) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        var own = port is null ? null : app.Services.GetService<IReadOnlyList<WebEntrypoint>>()?.FirstOrDefault(e => e.Port == port);
        var httpsUrl = app.Services.GetService<MediationOptions>()?.HttpsUrl;
        var setting = own is not null ? $"the port of entrypoint '{own.Name}'"
            : httpsUrl is not null && port == new Uri(httpsUrl).Port ? $"{MediationOptions.Section}:HttpsUrl (server: https-url in a configuration file)"
            : $"{MediationOptions.Section}:Url (server: url in a configuration file)";
        return $"{setting}: {message.TrimEnd('.')}; another process listens there: stop it or choose another port";
    }

    // Kestrel's message: "Failed to bind to address http://127.0.0.1:8080: address already in use."
    [GeneratedRegex(@":(\d+): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex PortPattern();
}

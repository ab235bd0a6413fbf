using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Server.Hosting;

namespace Rx.Mediation.Server.Cli;

/// <summary>No command: runs the server. A configuration file that is missing or invalid stops it with its errors.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = MediationServer.Build(args);
        }
        catch (ConfigException ex)
        {
            return CliConfig.Errors(error, ex.Errors);
        }
        catch (FileNotFoundException ex)
        {
            error.WriteLine(ex.Message);
            return 2;
        }
        await app.RunAsync();
        return 0;
    }
}

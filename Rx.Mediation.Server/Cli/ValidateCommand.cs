namespace Rx.Mediation.Server.Cli;

/// <summary><c>validate &lt;file&gt;</c>: exit 0 when the file would run, else each error as file:line:column and exit 1.</summary>
public static class ValidateCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length != 1) return CliConfig.Usage(error, "validate <config.yaml>");
        var (config, errors) = CliConfig.Load(args[0]);
        if (config is null) return CliConfig.Errors(error, errors);
        output.WriteLine($"{args[0]}: valid ({config.Routes.Count} routes, {config.Entrypoints.Count} entrypoints, {config.Endpoints.Count} endpoints)");
        return 0;
    }
}

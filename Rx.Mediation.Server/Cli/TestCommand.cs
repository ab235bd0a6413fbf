using Rx.Mediation.Marbles.Flow;

namespace Rx.Mediation.Server.Cli;

/// <summary><c>test &lt;file&gt;</c>: runs YAML route tests in virtual time; prints a marble diff per failure; exit 1 on any failure.</summary>
public static class TestCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length != 1) return CliConfig.Usage(error, "test <config.tests.yaml>");
        if (!File.Exists(args[0])) return CliConfig.Usage(error, $"test <config.tests.yaml> ('{args[0]}' does not exist)");
        var file = RouteTestFile.Load(args[0]);
        if (file.Errors.Count > 0) return CliConfig.Errors(error, file.Errors);
        var failed = 0;
        foreach (var result in file.Run())
        {
            if (result.Passed)
            {
                output.WriteLine($"PASS  {result.Test.Name}");
                continue;
            }
            failed++;
            output.WriteLine($"FAIL  {result.Test.Name}  ({result.Test.Location}, route {result.Test.Route})");
            foreach (var line in result.Failure!.Split('\n')) output.WriteLine("      " + line.TrimEnd('\r'));
        }
        output.WriteLine($"{file.Tests.Count - failed} passed, {failed} failed");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.InvalidFile;
    }
}

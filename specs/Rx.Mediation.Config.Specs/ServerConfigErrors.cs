using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Server;

namespace Rx.Mediation.Config.Specs;

/// <summary>How the server-file specs check a refused file: nothing loaded, one error, at the expected place.</summary>
internal static class ServerConfigErrors
{
    public static readonly IReadOnlyCollection<string> Types = Composition.Catalog().KnownTypes;

    public static void ShouldRefuseAt(string yaml, int line, int column, string message)
    {
        var (config, errors) = ServerConfigReader.Parse(yaml, "c.yaml", Types);

        config.ShouldBeNull();
        var error = errors.ShouldHaveSingleItem();
        (error.Location.Line, error.Location.Column).ShouldBe((line, column), error.ToString());
        error.Message.ShouldContain(message);
    }
}

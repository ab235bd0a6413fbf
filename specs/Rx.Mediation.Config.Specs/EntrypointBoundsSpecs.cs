using Rx.Mediation.Server;

namespace Rx.Mediation.Config.Specs;

/// <summary>
/// An entrypoint setting out of the bounds its options class declares is refused by the one validator, with the same
/// words from the file (at its line, in the file's key) and from appsettings, the environment or the command line.
/// </summary>
public sealed class EntrypointBoundsSpecs
{
    [Theory]
    [InlineData("entrypoints:\n  feed: { type: sse, heartbeat-interval: 0s }\nroutes: []\n", 2, 42, "entrypoint 'feed': 'heartbeat-interval' must be positive, got 0s")]
    [InlineData("entrypoints:\n  w: { type: websocket, max-message-bytes: 0 }\nroutes: []\n", 2, 44, "entrypoint 'w': 'max-message-bytes' must be at least 1, got 0")]
    [InlineData("entrypoints:\n  h: { type: http, port: 70000 }\nroutes: []\n", 2, 26, "entrypoint 'h': 'port' must be between 0 and 65535, got 70000")]
    [InlineData("entrypoints:\n  h: { type: http, max-body-bytes: -1 }\nroutes: []\n", 2, 36, "entrypoint 'h': 'max-body-bytes' must not be negative, got -1")]
    [InlineData("entrypoints:\n  p: { type: poll, capacity-per-topic: 0 }\nroutes: []\n", 2, 40, "entrypoint 'p': 'capacity-per-topic' must be at least 1, got 0")]
    [InlineData("entrypoints:\n  p: { type: poll, max-page-bytes: 0 }\nroutes: []\n", 2, 36, "entrypoint 'p': 'max-page-bytes' must be at least 1, got 0")]
    [InlineData("entrypoints:\n  feed: { type: sse, replay-max-bytes: -1 }\nroutes: []\n", 2, 40, "entrypoint 'feed': 'replay-max-bytes' must be at least 1, got -1")]
    [InlineData("entrypoints:\n  w: { type: websocket, send-queue-max-bytes: 0 }\nroutes: []\n", 2, 47, "entrypoint 'w': 'send-queue-max-bytes' must be at least 1, got 0")]
    [InlineData("entrypoints:\n  p: { type: poll, default-limit: 5000 }\nroutes: []\n", 2, 35, "entrypoint 'p': 'default-limit' must be between 1 and 'max-limit' (1000), got 5000")]
    public void A_file_entrypoint_setting_out_of_its_bounds_is_refused_at_its_value_in_the_files_words(string yaml, int line, int column, string message) =>
        ServerConfigErrors.ShouldRefuseAt(yaml, line, column, message);

    [Theory]
    [InlineData("--Mediation:Sse:HeartbeatInterval=0s", "Mediation:Sse:HeartbeatInterval must be positive, got 0s")]
    [InlineData("--Mediation:WebSocket:MaxMessageBytes=0", "Mediation:WebSocket:MaxMessageBytes must be at least 1, got 0")]
    [InlineData("--Mediation:Http:MaxBodyBytes=-1", "Mediation:Http:MaxBodyBytes must not be negative, got -1")]
    [InlineData("--Mediation:Poll:MaxPageBytes=0", "Mediation:Poll:MaxPageBytes must be at least 1, got 0")]
    public void The_same_bound_set_outside_the_file_stops_the_start_naming_its_key(string argument, string message)
    {
        var ex = Should.Throw<InvalidOperationException>(() => Composition.Build(["--Mediation:Url=http://127.0.0.1:0", argument]));

        ex.Message.ShouldContain(message);
    }
}

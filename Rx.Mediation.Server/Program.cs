using Rx.Mediation.Server.Cli;

// Web clients in (HTTP POST, WebSocket) → routes → brokers → routes → web clients out (SSE, WebSocket, GET polling).
// The composition lives in MediationServer so the specs start exactly this app on a free port.
// The same executable checks, draws and tests configuration files (docs/configuration.md).
return args.FirstOrDefault() switch
{
    "validate" => ValidateCommand.Run(args[1..], Console.Out, Console.Error),
    "routes" => RoutesCommand.Run(args[1..], Console.Out, Console.Error),
    "test" => TestCommand.Run(args[1..], Console.Out, Console.Error),
    _ => await ServeCommand.RunAsync(args, Console.Error),
};

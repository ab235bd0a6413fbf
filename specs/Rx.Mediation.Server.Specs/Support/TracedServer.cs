using Microsoft.Extensions.Logging;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Support;

/// <summary>
/// A server whose every log line, down to Trace, goes to a <see cref="CapturedLog"/>: for the specs that prove a
/// secret never reaches a log, which only holds if the most talkative levels were written and searched too.
/// </summary>
public static class TracedServer
{
    public static Task<RunningServer> StartAsync(CapturedLog log, params string[] settings) =>
        RunningServer.StartAsync([.. settings, "--Logging:LogLevel:Default=Trace"], b =>
        {
            b.Web.Logging.AddProvider(log);
            b.Web.Logging.SetMinimumLevel(LogLevel.Trace);
        });
}

using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Nodes;
using Rx.Mediation.Server.Entrypoints;
using Rx.Mediation.Server.Entrypoints.Http;
using Rx.Mediation.Server.Entrypoints.Polling;
using Rx.Mediation.Server.Entrypoints.ServerSentEvents;
using Rx.Mediation.Server.Entrypoints.WebSockets;
using Rx.Mediation.Server.Options;

namespace Rx.Mediation.Server.Hosting;

/// <summary>The nodes the configuration asks for: the enabled web entrypoints and the embedded memory endpoint.</summary>
public static class EntrypointCatalog
{
    public static IEnumerable<WebEntrypoint> Entrypoints(MediationOptions options)
    {
        if (options.Http.Enabled) yield return new HttpPostEntrypoint(options.Http);
        if (options.WebSocket.Enabled) yield return new WebSocketEntrypoint(options.WebSocket);
        if (options.Sse.Enabled) yield return new SseEntrypoint(options.Sse);
        if (options.Poll.Enabled) yield return new PollEntrypoint(options.Poll);
    }

    public static IEnumerable<IMediationNode> Endpoints(MediationOptions options)
    {
        if (options.Memory.Enabled) yield return new MemoryEndpoint(options.Memory.Name);
    }
}

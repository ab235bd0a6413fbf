using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Nodes;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.Http;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Hosting.Entrypoints.WebSockets;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting;

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

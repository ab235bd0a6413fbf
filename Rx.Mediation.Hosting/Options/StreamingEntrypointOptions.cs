using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Hosting.Clients;

namespace Rx.Mediation.Hosting.Options;

/// <summary>Entrypoints that push to connected clients: each client has a bounded send queue.</summary>
public abstract class StreamingEntrypointOptions : EntrypointOptions
{
    [Setting("Events queued per connected client before `SlowClientPolicy` applies.")]
    [AtLeast(1)]
    public int SendQueueCapacity { get; set; } = 1024;

    [Setting("Bytes queued per client before `SlowClientPolicy` applies, counted as the buffers count them (payload, strings, and about 320 bytes an event). One event larger than this still goes into an empty queue.")]
    [AtLeast(1)]
    public long SendQueueMaxBytes { get; set; } = 8 * 1024 * 1024;

    [Setting("What a full send queue does: `drop-oldest` (the client's oldest queued event, counted), `drop-newest` (the incoming one, counted), `disconnect` (close the client with a reason; it may reconnect and resume).")]
    public SlowClientPolicy SlowClientPolicy { get; set; } = SlowClientPolicy.DropOldest;
}

using System.Buffers;
using System.Reactive.Concurrency;
using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Hosting.Entrypoints.WebSockets;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// The server's egress outside a server: the SSE, WebSocket and poll entrypoints with their default options, one SSE and
/// one WebSocket client subscribed to <c>#</c>, and an engine route to the three like the default configuration's
/// <c>egress</c> route (its source here a bare node rather than the memory endpoint). Each call fails loudly unless both
/// clients received every event.
/// </summary>
public sealed class EgressFixture : IAsyncDisposable
{
    private const string Source = "egress-source";

    private readonly MediationEngine _engine;
    private readonly BenchSource _source = new(Source);
    private readonly SseEntrypoint _sse = new(new SseEntrypointOptions());
    private readonly PollEntrypoint _poll = new(new PollEntrypointOptions());
    private readonly WebSocketEntrypoint _ws = new(new WebSocketEntrypointOptions());
    // Room for a whole invocation: a reader that falls behind must not make the run lose events.
    private readonly ClientOutbox _sseClient = new(Workload.EventsPerInvoke, SlowClientPolicy.DropNewest);
    private readonly ClientOutbox _wsClient = new(Workload.EventsPerInvoke, SlowClientPolicy.DropNewest);
    private ClientReader? _sseReader;
    private ClientReader? _wsReader;

    private EgressFixture()
    {
        _engine = new MediationEngine(new EngineOptions());
        _sse.Clients.Add(new ConnectedClient("sse-client", [TopicPattern.All], _sseClient));
        _ws.Clients.Add(new ConnectedClient("ws-client", [TopicPattern.All], _wsClient));
    }

    public static EgressFixture Create()
    {
        var fixture = new EgressFixture();
        var engine = fixture._engine;
        foreach (var node in new Nodes.IMediationNode[] { fixture._source, fixture._sse, fixture._ws, fixture._poll }) engine.Add(node);
        var routes = new RouteTable();
        routes.From(Source).Bridge(1024, OverflowStrategy.Backpressure).To(fixture._sse.Name, fixture._ws.Name, fixture._poll.Name);
        engine.ApplyRoutesAsync(routes).GetAwaiter().GetResult();
        engine.StartAsync().GetAwaiter().GetResult();
        return fixture;
    }

    /// <summary>Through the route: pushed on this thread, delivered on the route's drain, read by the clients' own tasks.</summary>
    public void ThroughRoute(Event[] events)
    {
        _sseReader ??= ClientReader.Start(_sseClient, formatSse: true);
        _wsReader ??= ClientReader.Start(_wsClient, formatSse: false);
        _sseReader.Arm(events.Length);
        _wsReader.Arm(events.Length);
        foreach (var value in events)
        {
            var pending = _source.PushAsync(value);
            var admission = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            if (!admission.IsAccepted) throw new InvalidOperationException($"the route refused an event ({admission.Status}: {admission.Reason})");
        }
        _sseReader.WaitForAll("SSE client");
        _wsReader.WaitForAll("WebSocket client");
    }

    /// <summary>The entrypoints called on this thread, the clients' queues read in line: nothing but the topic-dependent work.</summary>
    public void Inline(Event[] events)
    {
        if (_sseReader is not null) throw new InvalidOperationException("a fixture runs one of the two ways");
        var received = 0;
        foreach (var value in events)
        {
            _sse.OnNext(value);
            _poll.OnNext(value);
            _ws.OnNext(value);
            while (_sseClient.TryRead(out _)) received++;
            while (_wsClient.TryRead(out _)) received++;
        }
        if (received != 2 * events.Length) throw new InvalidOperationException($"the clients received {received} events, expected {2 * events.Length}");
    }

    public async ValueTask DisposeAsync()
    {
        _sseClient.Close();
        _wsClient.Close();
        await _engine.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A client's writer loop without the socket: takes each queued event (and writes it as SSE) and counts it.</summary>
    private sealed class ClientReader
    {
        private readonly ManualResetEventSlim _done = new(false);
        private int _count;
        private int _target = int.MaxValue;

        public static ClientReader Start(ClientOutbox outbox, bool formatSse)
        {
            var reader = new ClientReader();
            _ = Task.Run(() => reader.ReadAsync(outbox, formatSse));
            return reader;
        }

        public void Arm(int target)
        {
            _done.Reset();
            Volatile.Write(ref _count, 0);
            Volatile.Write(ref _target, target);
        }

        public void WaitForAll(string who)
        {
            if (!_done.Wait(Workload.ArrivalTimeout))
                throw new TimeoutException($"{who}: only {Volatile.Read(ref _count)} of {Volatile.Read(ref _target)} events arrived within {Workload.ArrivalTimeout}");
        }

        private async Task ReadAsync(ClientOutbox outbox, bool formatSse)
        {
            var output = new ArrayBufferWriter<byte>(1024);
            while (await outbox.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (outbox.TryRead(out var value))
                {
                    if (formatSse)
                    {
                        output.ResetWrittenCount();
                        SseFormat.WriteEvent(output, value);
                    }
                    if (Interlocked.Increment(ref _count) == Volatile.Read(ref _target)) _done.Set();
                }
            }
        }
    }
}

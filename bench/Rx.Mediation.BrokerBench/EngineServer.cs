using System.Collections.Concurrent;
using System.Diagnostics;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;
using Rx.Mediation.Amqp;
using Rx.Mediation.Kafka;
using Rx.Mediation.Mqtt;
using Rx.Mediation.RabbitMq;
using Rx.Mediation.Testing;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// The real server (<see cref="RunningServer"/>: MediationServer.Build, Kestrel on a free loopback port) with one broker
/// endpoint named <c>ep</c> configured as the specs configure it, and these routes (the default memory routes off):
/// <code>
/// tput-ws : ws[{throughput topic}] → ep        engine path from WebSocket clients
/// tput-src: src → ep                           engine path from an in-process source (no web ingress)
/// lat-out : ws[{latency topic}] → ep           round trip, out …
/// lat-in  : ep → ws                            … and back from the endpoint's consumer
/// null-ws : ws[bench-null], http[bench-null] → null   web ingress ceiling (a counting target, no broker)
/// </code>
/// </summary>
internal sealed class EngineServer : IAsyncDisposable
{
    public const string Endpoint = "ep";
    public const string NullTopic = "bench-null";

    private static readonly EventHeaders TextHeaders = EventHeaders.Empty.With("content-type", "text/plain; charset=utf-8");

    private EngineServer(RunningServer server, LoadSource source, CountingTarget target)
    {
        Server = server;
        Source = source;
        Null = target;
        Node = server.Engine.Find(Endpoint) ?? throw new InvalidOperationException("no endpoint 'ep'");
        Counters = Node switch
        {
            KafkaEndpoint k => k.Counters,
            RabbitMqEndpoint r => r.Counters,
            MqttEndpoint m => m.Counters,
            AmqpEndpoint a => a.Counters,
            _ => new EndpointCounters(), // the memory endpoint of the ingress-only server counts nothing
        };
    }

    public RunningServer Server { get; }

    public LoadSource Source { get; }

    public CountingTarget Null { get; }

    /// <summary>The broker endpoint <c>ep</c>.</summary>
    public IMediationNode Node { get; }

    public EndpointCounters Counters { get; }

    public static async Task<EngineServer> StartAsync(IEnumerable<string> endpointSettings, string throughputTopic, string latencyTopic)
    {
        var source = new LoadSource("src");
        var target = new CountingTarget("null");
        string[] Route(string name, string sources, string targets) =>
            [$"--Mediation:Routes:{name}:Sources={sources}", $"--Mediation:Routes:{name}:Targets={targets}"];
        List<string> settings =
        [
            "--Mediation:Routes:ingress:Enabled=false",
            "--Mediation:Routes:egress:Enabled=false",
            // The packet log (drops and failures always; received/routed/delivered lines for a sample of events) writes
            // JSON lines to stdout: kept to drops and failures, so the measurement is the path, not the console.
            "--Mediation:PacketLog:Level=Errors",
            .. Route("tput-ws", $"ws[{throughputTopic}]", Endpoint),
            .. Route("tput-src", "src", Endpoint),
            .. Route("lat-out", $"ws[{latencyTopic}]", Endpoint),
            .. Route("lat-in", Endpoint, "ws"),
            .. Route("null-ws", $"ws[{NullTopic}], http[{NullTopic}]", "null"),
        ];
        settings.AddRange(endpointSettings.Select(s => $"--Mediation:Endpoints:{Endpoint}:{s}"));
        var server = await RunningServer.StartAsync([.. settings], b =>
        {
            b.Nodes.Add(source);
            b.Nodes.Add(target);
        });
        var engine = new EngineServer(server, source, target);
        var watch = Stopwatch.StartNew();
        while (engine.Node.Health != NodeHealth.Healthy)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"endpoint 'ep' not healthy within 60 s: {engine.Node.Health} {engine.Node.HealthDetail}");
            await Task.Delay(100);
        }
        return engine;
    }

    public RouteRuntime Route(string name) => Server.Engine.FindRoute(name) ?? throw new InvalidOperationException($"no route {name}");

    /// <summary>
    /// <paramref name="count"/> messages from <paramref name="connections"/> WebSockets into tput-ws, timed from the
    /// first send until the broker acknowledged all of them. Also returns when the engine had accepted them all
    /// (the route's Accepted counter), which is the web ingress rate.
    /// </summary>
    public async Task<(Throughput Engine, Throughput Ingress)> ThroughWebSocketsAsync(string topic, int count, int connections, byte[] payload)
    {
        await using var load = await WebClients.ConnectAsync(Server.BaseAddress, topic, connections);
        var route = Route("tput-ws");
        var acceptedBase = route.Counters.Accepted;
        var before = Snapshot();
        var watch = Stopwatch.StartNew();
        var sending = load.SendAsync(count, payload);
        TimeSpan? ingress = null;
        var elapsed = await WaitAsync(before, count, watch, () =>
        {
            if (ingress is null && route.Counters.Accepted - acceptedBase >= count) ingress = watch.Elapsed;
        });
        await sending;
        var lost = Lost(before);
        var note = load.Rejected > 0 ? $"{load.Rejected} rejected by the routes" : null;
        return (new Throughput("engine-ws", Counters.Acknowledged - before.Acknowledged, elapsed, lost, note),
            new Throughput("ws-ingress", count, ingress ?? elapsed));
    }

    /// <summary><paramref name="count"/> events offered one after another by the in-process source, timed until acknowledged.</summary>
    public async Task<Throughput> ThroughSourceAsync(string topic, int count, byte[] payload)
    {
        var before = Snapshot();
        var watch = Stopwatch.StartNew();
        var offering = Task.Run(async () =>
        {
            long refused = 0;
            for (var i = 0; i < count; i++)
            {
                var admission = await Source.OfferAsync(Event.Create(Source.Name, topic, payload, TextHeaders));
                if (!admission.IsAccepted) refused++;
            }
            return refused;
        });
        var elapsed = await WaitAsync(before, count, watch, null, offering);
        var refused = await offering;
        return new Throughput("engine-inproc", Counters.Acknowledged - before.Acknowledged, elapsed, Lost(before) + refused, refused > 0 ? $"{refused} refused by the route" : null);
    }

    /// <summary>
    /// <paramref name="count"/> events handed straight to the endpoint's <c>OnNext</c> from one loop, as a route's drain
    /// would hand them over, with no route in between: the endpoint's own sending path against the direct client.
    /// </summary>
    public async Task<Throughput> StraightToEndpointAsync(string topic, int count, byte[] payload)
    {
        var before = Snapshot();
        var watch = Stopwatch.StartNew();
        var handing = Task.Run(() =>
        {
            // Holds back while the endpoint's outbound queue is saturated, as a route's drain does.
            using var relieved = new SemaphoreSlim(0);
            var pressure = Node.Pressure;
            for (var i = 0; i < count; i++)
            {
                if (pressure is not null && !pressure.TryPass(() => relieved.Release())) relieved.Wait();
                Node.OnNext(Event.Create(Source.Name, topic, payload, TextHeaders));
            }
        });
        var elapsed = await WaitAsync(before, count, watch, null);
        await handing;
        return new Throughput("endpoint-only", Counters.Acknowledged - before.Acknowledged, elapsed, Lost(before));
    }

    /// <summary>The web ingress and engine with no broker: WebSockets into a counting target.</summary>
    public async Task<Throughput> WebSocketsToNullAsync(int count, int connections, byte[] payload)
    {
        await using var load = await WebClients.ConnectAsync(Server.BaseAddress, NullTopic, connections);
        var start = Null.Count;
        var watch = Stopwatch.StartNew();
        var sending = load.SendAsync(count, payload);
        if (!await PollUntilAsync(() => Null.Count - start >= count, TimeSpan.FromMinutes(2))) throw new TimeoutException($"ws → null: {Null.Count - start} of {count}");
        watch.Stop();
        await sending;
        return new Throughput("ws → null", count, watch.Elapsed);
    }

    /// <summary>POST /events into a counting target over <paramref name="concurrency"/> keep-alive connections.</summary>
    public async Task<Throughput> PostsToNullAsync(int count, int concurrency, byte[] payload)
    {
        var start = Null.Count;
        var refused = new ConcurrentDictionary<int, long>();
        var watch = Stopwatch.StartNew();
        var accepted = await WebClients.PostAsync(Server.BaseAddress, NullTopic, count, concurrency, payload, refused);
        await PollUntilAsync(() => Null.Count - start >= accepted, TimeSpan.FromMinutes(1));
        watch.Stop();
        var note = refused.IsEmpty ? $"{concurrency} concurrent requests" : $"{concurrency} concurrent requests; refused: {string.Join(", ", refused.Select(r => $"{r.Value}×{r.Key}"))}";
        return new Throughput("post → null", accepted, watch.Elapsed, count - accepted, note);
    }

    public async Task<Latency> RoundTripsAsync(string publishTopic, string receiveTopic, int count, int rate, int warmup, int payloadBytes) =>
        await WebClients.RoundTripsAsync(Server.BaseAddress, publishTopic, receiveTopic, count, rate, warmup, payloadBytes);

    private (long Acknowledged, long Failed, long Dropped) Snapshot()
    {
        var c = Counters;
        return (c.Acknowledged, c.Failed, c.Dropped);
    }

    private long Lost((long Acknowledged, long Failed, long Dropped) before) =>
        Counters.Failed - before.Failed + Counters.Dropped - before.Dropped;

    /// <summary>
    /// Polls the endpoint's counters every millisecond on a thread of its own until <paramref name="count"/> events are
    /// settled (acknowledged, failed or dropped): not on the thread pool, whose workers spin after each short work item
    /// and would charge the engine cases with the measurement's own cost.
    /// </summary>
    private Task<TimeSpan> WaitAsync((long Acknowledged, long Failed, long Dropped) before, long count, Stopwatch watch, Action? poll, Task<long>? refusals = null)
    {
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counters = Counters;
        var thread = new Thread(() =>
        {
            while (true)
            {
                poll?.Invoke();
                var settled = counters.Acknowledged - before.Acknowledged + Lost(before);
                if (refusals is { IsCompleted: true }) settled += refusals.Result;
                if (settled >= count)
                {
                    done.SetResult(watch.Elapsed);
                    return;
                }
                if (watch.Elapsed > TimeSpan.FromMinutes(3))
                {
                    done.SetException(new TimeoutException($"the broker acknowledged {counters.Acknowledged - before.Acknowledged} of {count} within 3 minutes ({counters})"));
                    return;
                }
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "bench-wait" };
        thread.Start();
        return done.Task;
    }

    /// <summary>Checks <paramref name="condition"/> every millisecond on a thread of its own; false on timeout.</summary>
    private static Task<bool> PollUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Stopwatch.StartNew();
        new Thread(() =>
        {
            while (!condition())
            {
                if (watch.Elapsed > timeout)
                {
                    done.SetResult(false);
                    return;
                }
                Thread.Sleep(1);
            }
            done.SetResult(true);
        }) { IsBackground = true, Name = "bench-poll" }.Start();
        return done.Task;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

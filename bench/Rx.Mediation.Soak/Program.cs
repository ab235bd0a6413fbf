// Soak driver: the server on its default configuration (ingress http, ws → memory; egress memory → sse, ws, poll) as a
// child process, driven over loopback for a set time by publishers (POSTs with topic churn and oversized bodies,
// WebSockets) and subscribers (fast and slow SSE and WebSocket clients, a long poller). Every second it prints the
// server's resident memory and the publish-to-receipt latency; at the end it checks, per streaming entrypoint, that
// every accepted event was delivered to each subscriber or counted as a drop.
//   dotnet run -c Release --project bench/Rx.Mediation.Soak -- --server <Rx.Mediation.Server.dll> --duration 10m
// Usage and the figures of a run: docs/benchmarks.md ("Soak"). Exits 1 when the ledger does not balance.
using System.Diagnostics;
using System.Globalization;
using Rx.Mediation.Soak;

var options = SoakOptions.Parse(args);
await using var server = await ServerProcess.StartAsync(options.Server);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
var ledger = new Ledger();
using var stopSubscribers = new CancellationTokenSource();
using var stopPublishers = new CancellationTokenSource(options.Duration);

var subscribing = new List<Task>();
for (var i = 0; i < options.SseSubscribers + (options.SlowReaders ? 1 : 0); i++)
{
    var subscriber = new Subscriber($"sse-{i}", "sse", slow: i >= options.SseSubscribers);
    ledger.Subscribers.Add(subscriber);
    subscribing.Add(Subscribers.SseAsync(http, subscriber, ledger, measure: i == 0, stopSubscribers.Token));
}
for (var i = 0; i < options.WebSocketSubscribers + (options.SlowReaders ? 1 : 0); i++)
{
    var subscriber = new Subscriber($"ws-{i}", "ws", slow: i >= options.WebSocketSubscribers);
    ledger.Subscribers.Add(subscriber);
    subscribing.Add(Subscribers.WebSocketAsync(server.BaseUri, subscriber, ledger, stopSubscribers.Token));
}
var pollers = Enumerable.Range(0, options.Pollers).Select(i => new Subscriber($"poll-{i}", "poll", slow: false)).ToList();
subscribing.AddRange(pollers.Select(p => Subscribers.PollAsync(http, p, ledger, stopSubscribers.Token)));
// Streams are open before the first event, so every accepted event is owed to every one of them.
await Task.Delay(TimeSpan.FromSeconds(1));

var perPublisher = (double)options.Rate / Math.Max(1, options.PostClients + options.WebSocketPublishers);
var publishing = Enumerable.Range(0, options.PostClients).Select(i => Publishers.PostAsync(http, i, options, perPublisher, ledger, stopPublishers.Token))
    .Concat(Enumerable.Range(0, options.WebSocketPublishers).Select(i => Publishers.WebSocketAsync(server.BaseUri, i, perPublisher, ledger, stopPublishers.Token)))
    .ToList();

Console.WriteLine($"soak: {options.Duration.TotalSeconds:0} s at up to {options.Rate} events/s; {options.PostClients} POST and {options.WebSocketPublishers} WebSocket publishers; " +
    $"{options.SseSubscribers} SSE, {options.WebSocketSubscribers} WebSocket subscribers{(options.SlowReaders ? " + one slow of each" : "")}, {options.Pollers} poller(s); topic churn {options.TopicChurn}");
Console.WriteLine("    t  rss_MiB  accepted/s  refused/s  delivered/s  p50_ms  p99_ms");
var clock = Stopwatch.StartNew();
long peakRss = 0, lastAccepted = 0, lastRefused = 0, lastDelivered = 0;
var all = new List<double>();
var fast = ledger.Subscribers[0];
while (!stopPublishers.IsCancellationRequested && !server.HasExited)
{
    await Task.Delay(TimeSpan.FromSeconds(1));
    var rss = server.ResidentBytes();
    peakRss = Math.Max(peakRss, rss);
    var latencies = ledger.TakeLatencies();
    all.AddRange(latencies);
    long accepted = ledger.AcceptedCount, refused = ledger.Refused, delivered = fast.Received;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{clock.Elapsed.TotalSeconds,5:0} {rss / 1048576.0,8:0.0} {accepted - lastAccepted,11} {refused - lastRefused,10} {delivered - lastDelivered,12} {Ledger.Percentile(latencies, 0.5),7:0.0} {Ledger.Percentile(latencies, 0.99),7:0.0}"));
    (lastAccepted, lastRefused, lastDelivered) = (accepted, refused, delivered);
}
await Task.WhenAll(publishing);
foreach (var subscriber in ledger.Subscribers) subscriber.Draining = true;

// Quiet: wait until no subscriber received anything for two seconds (at most 60 s), then read the server's counts.
var quiet = Stopwatch.StartNew();
var seen = ledger.Subscribers.Sum(s => s.Received);
for (var idle = 0; idle < 4 && quiet.Elapsed < TimeSpan.FromSeconds(60);)
{
    await Task.Delay(500);
    var now = ledger.Subscribers.Sum(s => s.Received);
    idle = now == seen ? idle + 1 : 0;
    seen = now;
}
var entrypointDrops = await server.CountersAsync(http, "rx_mediation_entrypoint_drops_total");
var routeDrops = await server.CountersAsync(http, "rx_mediation_route_drops_total");
stopSubscribers.Cancel();
await Task.WhenAll(subscribing);

all.Sort();
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"published {ledger.Published}, accepted {ledger.AcceptedCount}, refused {ledger.Refused}, failed requests {ledger.FailedRequests}; oversized bodies refused {ledger.OversizedRefused}, accepted {ledger.OversizedAccepted}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"resident memory peak {peakRss / 1048576.0:0.0} MiB; latency at the first SSE client p50 {Ledger.Percentile(all, 0.5):0.0} ms, p99 {Ledger.Percentile(all, 0.99):0.0} ms"));
foreach (var (labels, value) in routeDrops.Concat(entrypointDrops)) Console.WriteLine($"drops {{{labels}}} {value}");

// Per streaming entrypoint: owed = accepted × subscribers; delivered (distinct accepted keys received) + the
// entrypoint's counted drops + what egress dropped after acceptance (owed to each) must make it up.
var acceptedKeys = ledger.Accepted;
var egressDrops = routeDrops.Where(d => d.Labels.Contains("route=\"egress\"")).Sum(d => d.Value);
var balanced = ledger.OversizedAccepted == 0;
foreach (var group in ledger.Subscribers.GroupBy(s => s.Entrypoint))
{
    var owed = (double)acceptedKeys.Count * group.Count();
    var delivered = group.Sum(s => (double)s.CountOf(acceptedKeys));
    var dropped = entrypointDrops.Where(d => d.Labels.Contains($"entrypoint=\"{group.Key}\"")).Sum(d => d.Value) + egressDrops * group.Count();
    var ok = delivered + dropped == owed;
    balanced &= ok;
    var each = string.Join(", ", group.Select(s => $"{s.Name}{(s.Slow ? " (slow)" : "")} {s.CountOf(acceptedKeys)}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{group.Key}: owed {owed}, delivered {delivered}, counted drops {dropped} → {(ok ? "balanced" : $"UNACCOUNTED {owed - delivered - dropped}")}; {each}"));
}
foreach (var poller in pollers)
    Console.WriteLine($"{poller.Name}: received {poller.CountOf(acceptedKeys)} of {acceptedKeys.Count} (polls read the bounded buffer; evictions are counted by the buffer)");
Console.WriteLine(balanced ? "soak: accepted = delivered + counted drops" : "soak: FAILED: some accepted events are neither delivered nor counted");
return balanced ? 0 : 1;

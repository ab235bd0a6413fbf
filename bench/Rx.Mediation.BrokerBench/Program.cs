using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Rx.Mediation.BrokerBench;
using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

// Broker load driver: see docs/broker-benchmarks.md. Usage:
//   dotnet run -c Release --project bench/Rx.Mediation.BrokerBench -- [--brokers kafka,rabbitmq,mqtt,solace,amqp10]
//       [--messages N (all brokers) | --kafka N --rabbitmq N --mqtt N --amqp10 N] [--rounds 2] [--payload 100]
//       [--connections N (default: one per core)] [--frames-per-write 16 (0: ClientWebSocket)] [--latency 2000] [--rate 200] [--out results.md]
//       [--warmup N (default: a tenth of each count)] [--cases direct,ws,inproc,endpoint] [--no-ingress]
//       [--kafka-setting Key=Value (an endpoint setting for the direct client and the engine alike; repeatable)]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"broker bench: {ex.Message} (usage at the top of bench/Rx.Mediation.BrokerBench/Program.cs)");
    return 2;
}
WebClients.FramesPerWrite = options.FramesPerWrite;
Console.WriteLine($"broker bench: {string.Join(", ", options.Brokers)}; payload {options.PayloadBytes} B; {options.Connections} WebSocket connections ({WebClients.Describe(options.FramesPerWrite)}); " +
                  $"{options.Rounds} round(s); latency {options.LatencyCount} round trips at {options.LatencyRate}/s");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");

var reports = new List<BrokerReport>();
Throughput? wsNull = null, postNull = null;
var runner = new BrokerRunner(options);

try
{
    if (options.Brokers.Contains("kafka")) reports.Add(await runner.KafkaAsync());
    if (options.Brokers.Contains("mqtt") || options.Brokers.Contains("solace"))
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        if (options.Brokers.Contains("mqtt")) reports.Add(await runner.MqttAsync(mosquitto, solace: false));
        if (options.Brokers.Contains("solace")) reports.Add(await runner.MqttAsync(mosquitto, solace: true));
    }
    if (options.Brokers.Contains("rabbitmq") || options.Brokers.Contains("amqp10"))
    {
        Console.WriteLine("starting a private RabbitMQ node (with the AMQP 1.0 plugin) …");
        await using var rabbit = await RabbitMqBroker.StartAsync(amqp10Plugin: true);
        if (options.Brokers.Contains("rabbitmq")) reports.Add(await runner.RabbitMqAsync(rabbit));
        if (options.Brokers.Contains("amqp10")) reports.Add(await runner.AmqpAsync(rabbit));
    }
    if (options.Ingress) (wsNull, postNull) = await runner.IngressCeilingAsync();
}
catch (BrokerUnavailableException ex)
{
    Console.Error.WriteLine($"a broker could not start: {ex.Message}");
    return 2;
}

var markdown = Report.Markdown(reports, wsNull, postNull, options);
Console.WriteLine();
Console.WriteLine(markdown);
if (options.Output is { } output)
{
    if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } directory) Directory.CreateDirectory(directory);
    await File.WriteAllTextAsync(output, markdown);
    Console.WriteLine($"(written to {output})");
}
return 0;

internal sealed class BenchOptions
{
    public HashSet<string> Brokers { get; private set; } = ["kafka", "rabbitmq", "mqtt", "solace", "amqp10"];

    public Dictionary<string, int> Messages { get; } = new()
    {
        // Sized so the direct case takes a few seconds on the 2-core machine of docs/broker-benchmarks.md.
        ["kafka"] = 1_500_000,
        ["rabbitmq"] = 60_000,
        ["mqtt"] = 200_000,
        ["solace"] = 200_000,
        ["amqp10"] = 50_000,
    };

    public int Rounds { get; private set; } = 2;

    /// <summary>
    /// Messages per path before the measured rounds; null: a tenth of the broker's count. A few thousand finish before
    /// the JIT's tiering delay has passed, and the first round then ran in part on unoptimized code (the WebSocket path
    /// at 2.3 µs per event in its first round against 0.8 µs in later ones).
    /// </summary>
    public int? Warmup { get; private set; }

    public int PayloadBytes { get; private set; } = 100;

    /// <summary>
    /// WebSocket load connections: one per core. Each keeps a server session busy, so more connections than cores only
    /// add threads that take turns: on 2 cores the Kafka case cost a median 3.85 µs of CPU per event with 4 connections
    /// against 3.55 µs with 2 (six rounds each, alternating).
    /// </summary>
    public int Connections { get; private set; } = Environment.ProcessorCount;

    public int LatencyCount { get; private set; } = 2_000;

    public int LatencyRate { get; private set; } = 200;

    public int LatencyWarmup { get; private set; } = 200;

    public bool Ingress { get; private set; } = true;

    /// <summary>Kafka endpoint settings (<c>Key=Value</c>, as under <c>Mediation:Endpoints:name</c>) given to the direct client and the engine alike.</summary>
    public List<string> KafkaSettings { get; } = [];

    public int PostConcurrency { get; private set; } = 16;

    public string? Output { get; private set; }

    /// <summary>Which throughput cases run (for profiling one path): direct, ws, inproc.</summary>
    public HashSet<string> Cases { get; private set; } = ["direct", "ws", "inproc", "endpoint"];

    /// <summary>WebSocket load clients: pre-built frames this many per socket write, or 0 for ClientWebSocket (one send per message).</summary>
    public int FramesPerWrite { get; private set; } = 16;

    public bool LatencyEnabled => LatencyCount > 0;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number()
            {
                var name = args[i];
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : throw new ArgumentException($"{name} needs a whole number of 0 or more, got '{text}'");
            }
            switch (args[i])
            {
                case "--brokers": options.Brokers = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => b.ToLowerInvariant())]; break;
                case "--messages": var n = Number(); foreach (var key in options.Messages.Keys.ToList()) options.Messages[key] = n; break;
                case "--kafka": options.Messages["kafka"] = Number(); break;
                case "--rabbitmq": options.Messages["rabbitmq"] = Number(); break;
                case "--mqtt": options.Messages["mqtt"] = Number(); options.Messages["solace"] = options.Messages["mqtt"]; break;
                case "--amqp10": options.Messages["amqp10"] = Number(); break;
                case "--rounds": options.Rounds = Number(); break;
                case "--warmup": options.Warmup = Number(); break;
                case "--payload": options.PayloadBytes = Number(); break;
                case "--connections": options.Connections = Number(); break;
                case "--latency": options.LatencyCount = Number(); break;
                case "--rate": options.LatencyRate = Number(); break;
                case "--no-ingress": options.Ingress = false; break;
                case "--kafka-setting":
                    var setting = Value();
                    options.KafkaSettings.Add(setting.Contains('=') && !setting.StartsWith('=') ? setting : throw new ArgumentException($"--kafka-setting needs Key=Value (e.g. MaxInFlight=20000 or Properties:linger.ms=10), got '{setting}'"));
                    break;
                case "--post-concurrency": options.PostConcurrency = Number(); break;
                case "--out": options.Output = Value(); break;
                case "--frames-per-write": options.FramesPerWrite = Number(); break;
                case "--cases": options.Cases = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        return options;
    }
}

internal static class Report
{
    public static string Markdown(List<BrokerReport> reports, Throughput? wsNull, Throughput? postNull, BenchOptions options)
    {
        var md = new StringBuilder();
        md.AppendLine($"{Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
                      $"{options.Connections} WebSocket load connections ({WebClients.Describe(options.FramesPerWrite)}), payload {options.PayloadBytes} B, " +
                      $"{options.Rounds} round(s), best round of each case.");
        md.AppendLine();
        md.AppendLine("| broker | direct events/s | engine events/s | engine/direct | p50 | p99 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in reports)
        {
            var direct = BrokerReport.Best(r.Direct);
            var engine = BrokerReport.Best(r.EngineWs);
            md.AppendLine($"| {r.Broker} | {Rate(direct)}{(r.DirectFrom is null ? "" : $" ({r.DirectFrom})")} | {Rate(engine)} | {Ratio(engine, direct)} | {Ms(r.Latency?.P50)} | {Ms(r.Latency?.P99)} |");
        }
        md.AppendLine();
        md.AppendLine("Where the engine path's time goes (best round of each, events/s; ratio to direct in brackets):");
        md.AppendLine();
        md.AppendLine("| broker | messages/case | direct | engine via WebSocket | WebSocket ingress (route accepted) | engine via in-process source | endpoint alone (no route) | lost |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in reports)
        {
            var direct = BrokerReport.Best(r.Direct);
            var lost = r.Direct.Concat(r.EngineWs).Concat(r.EngineInProcess).Concat(r.EndpointOnly).Sum(t => t.Lost);
            var latencyLost = r.Latency is { } l ? l.Sent - l.Received : 0;
            string Cell(List<Throughput> runs) => BrokerReport.Best(runs) is { } best ? $"{Rate(best)} ({Ratio(best, direct)})" : "—";
            md.AppendLine($"| {r.Broker} | {options.Messages[r.Broker]:N0} | {Rate(direct)} | {Cell(r.EngineWs)} | {Cell(r.WsIngress)} | {Cell(r.EngineInProcess)} | {Cell(r.EndpointOnly)} | {lost}{(latencyLost > 0 ? $" (+{latencyLost} round trips)" : "")} |");
        }
        md.AppendLine();
        md.AppendLine("CPU time of the whole bench process per event (all its threads: the WebSocket clients, the server, the client library, and for Kafka the in-process mock cluster; not the Mosquitto or RabbitMQ processes), and managed bytes allocated per event; lowest of the rounds:");
        md.AppendLine();
        md.AppendLine("| broker | direct | engine via WebSocket | engine via in-process source | endpoint alone |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in reports)
        {
            static string Cost(List<Throughput> runs)
            {
                var cpu = runs.Select(t => t.CpuMicrosecondsPerEvent).OfType<double>().DefaultIfEmpty(double.NaN).Min();
                var bytes = runs.Select(t => t.AllocatedPerEvent).OfType<double>().DefaultIfEmpty(double.NaN).Min();
                return double.IsNaN(cpu) ? "—" : string.Create(CultureInfo.InvariantCulture, $"{cpu:0.0} µs, {bytes:N0} B");
            }
            md.AppendLine($"| {r.Broker} | {Cost(r.Direct)} | {Cost(r.EngineWs)} | {Cost(r.EngineInProcess)} | {Cost(r.EndpointOnly)} |");
        }
        foreach (var r in reports.Where(r => r.TunedLatency is not null))
        {
            var (setting, latency) = r.TunedLatency!.Value;
            md.AppendLine();
            md.AppendLine($"{r.Broker} latency with `{setting}`: p50 {Ms(latency.P50)}, p99 {Ms(latency.P99)}, max {Ms(latency.Max)} ({latency.Received}/{latency.Sent} round trips at {latency.RatePerSecond}/s).");
        }
        if (wsNull is not null || postNull is not null)
        {
            md.AppendLine();
            md.AppendLine("Web ingress with no broker (routes into a counting target):");
            md.AppendLine();
            if (wsNull is not null) md.AppendLine($"- WebSocket, {options.Connections} connections ({WebClients.Describe(options.FramesPerWrite)}): {Rate(wsNull)} events/s ({wsNull.Events:N0} in {wsNull.Elapsed.TotalSeconds:0.00} s; {wsNull.CpuMicrosecondsPerEvent:0.0} µs CPU and {wsNull.AllocatedPerEvent:N0} B per event, clients included)");
            if (postNull is not null) md.AppendLine($"- POST /events, {postNull.Note}: {Rate(postNull)} events/s ({postNull.Events:N0} in {postNull.Elapsed.TotalSeconds:0.00} s; {postNull.CpuMicrosecondsPerEvent:0.0} µs CPU and {postNull.AllocatedPerEvent:N0} B per event, clients included)");
        }
        md.AppendLine();
        md.AppendLine("Every round:");
        md.AppendLine();
        md.AppendLine("```");
        foreach (var r in reports)
        {
            md.AppendLine($"{r.Broker}:");
            foreach (var t in r.Direct.Concat(r.EngineWs).Concat(r.WsIngress).Concat(r.EngineInProcess).Concat(r.EndpointOnly)) md.AppendLine("  " + t);
            if (r.Latency is not null) md.AppendLine("  " + r.Latency);
            if (r.TunedLatency is { } tuned) md.AppendLine($"  with {tuned.Setting}: {tuned.Latency}");
            foreach (var note in r.Notes) md.AppendLine("  note: " + note);
        }
        md.AppendLine("```");
        return md.ToString();
    }

    private static string Rate(Throughput? t) => t is null ? "—" : t.PerSecond.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(Throughput? a, Throughput? b) => a is null || b is null ? "—" : (a.PerSecond / b.PerSecond).ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "");

    private static string Ms(double? ms) => ms is null || double.IsNaN(ms.Value) ? "—" : ms.Value.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}

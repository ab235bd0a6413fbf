using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rx.Mediation.Hosting.Operations.PacketLog;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Operations.PacketLog;

/// <summary>The real server writes packet lines for what clients post, on stdout beside its JSON log.</summary>
public sealed class PacketLogServerSpecs
{
    [Fact]
    public async Task Posted_events_are_logged_through_ingress_and_egress_with_the_same_event_id()
    {
        var capture = new CapturedOutput();
        await using var server = await RunningServer.StartAsync(["--Mediation:PacketLog:Sample=1"],
            b => b.Web.Services.AddSingleton(new PacketLogOutput(capture.Writer)));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await server.PostAcceptedAsync("orders/eu", $$"""{"n":{{i}}}"""));

        // ingress: received, routed, delivered to memory; egress: received from memory, routed, delivered to sse, ws, poll.
        await Eventually.TrueAsync(() => capture.Lines.Count(l => l.Text("stage") == "delivered") == 3 * 4, "every event was delivered to memory and to the three web targets");
        await Eventually.TrueAsync(() => capture.Lines.Count == 3 * 8, "no line beyond the 8 of each event");
        var lines = capture.Lines;
        foreach (var id in ids)
        {
            var mine = lines.Where(l => l.Text("eventId") == id).Select(l => $"{l.Text("route")} {l.Text("stage")} {l.Text("direction")} {l.Text("source")}>{l.Text("target")}").ToList();
            mine.Order().ShouldBe(new[]
            {
                "ingress received in http>", "ingress routed out http>", "ingress delivered out http>memory",
                "egress received in memory>", "egress routed out memory>",
                "egress delivered out memory>sse", "egress delivered out memory>ws", "egress delivered out memory>poll",
            }.Order(), id);
        }
        lines.ShouldAllBe(l => l.Text("log") == "packet" && l.Text("topic") == "orders/eu" && l.GetProperty("payloadBytes").GetInt32() == 7);
        await Eventually.TrueAsync(() => server.App.Services.GetRequiredService<PacketLogCounters>().Written == lines.Count, "the counter matches the lines written");
    }

    [Fact]
    public async Task A_packet_log_change_in_the_configuration_file_applies_without_a_restart()
    {
        var directory = Directory.CreateTempSubdirectory("rx-packet-log-");
        var file = Path.Combine(directory.FullName, "config.yaml");
        static string Config(string packetLog) => $$"""
            server:
              reload-debounce: 50ms
              {{packetLog}}
            entrypoints:
              webhook: { type: http, path: /events }
            endpoints:
              broker: { type: memory }
            routes:
              - name: in
                from: webhook
                to: broker
            """;
        File.WriteAllText(file, Config("packet-log: { level: off }"));
        var capture = new CapturedOutput();
        try
        {
            await using var server = await RunningServer.StartAsync(["--config", file],
                b => b.Web.Services.AddSingleton(new PacketLogOutput(capture.Writer)));
            var log = server.App.Services.GetRequiredService<PacketLogTap>();
            var service = server.App.Services.GetServices<IHostedService>().OfType<PacketLogService>().Single();
            await server.PostAcceptedAsync("events", "quiet");
            log.Settings.Default.Level.ShouldBe(PacketLogLevel.Off);
            service.Attached.ShouldBeFalse("level off everywhere: the routes do not even call the log");

            File.WriteAllText(file + ".tmp", Config("packet-log: { level: flow, sample: 1 }"));
            File.Move(file + ".tmp", file, overwrite: true);
            await Eventually.TrueAsync(() => log.Settings.Default.Level == PacketLogLevel.Flow, "the new packet log settings are applied");
            service.Attached.ShouldBeTrue();
            var id = await server.PostAcceptedAsync("events", "loud");

            await Eventually.TrueAsync(() => capture.Lines.Count == 3, "the event's three lines are written");
            capture.Lines.ShouldAllBe(l => l.Text("eventId") == id && l.Text("route") == "in");
            using var admin = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/config"));
            admin.RootElement.GetProperty("lastError").ValueKind.ShouldBe(JsonValueKind.Null);
        }
        finally
        {
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task The_server_process_writes_whole_json_lines_to_stdout_and_reports_its_totals_at_stop()
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Rx.Mediation.Server.dll"), $"--Mediation:Url=http://127.0.0.1:{port}", "--Mediation:PacketLog:Sample=1" })
            info.ArgumentList.Add(argument);
        var stdout = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            (await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30))).ShouldBeTrue("the server listens");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var ids = new List<string>();
            for (var i = 0; i < 50; i++)
            {
                using var response = await http.PostAsync("/events?topic=events", new StringContent($"event {i}"));
                ((int)response.StatusCode).ShouldBe(202);
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                ids.Add(json.RootElement.GetProperty("id").GetString()!);
            }
            string Output() { lock (stdout) return stdout.ToString(); }
            await Eventually.TrueAsync(() => Output().Split('\n').Count(l => l.Contains("\"log\":\"packet\"") && l.Contains("\"stage\":\"delivered\"")) == 50 * 4,
                "all 50 events' delivered lines are on stdout");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill!.WaitForExitAsync();
            using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await process.WaitForExitAsync(exit.Token);
            process.ExitCode.ShouldBe(0);

            var all = Output().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // Every stdout line is one whole JSON object: packet lines and the logger's lines never interleave.
            var parsed = all.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
            var packets = parsed.Where(l => l.TryGetProperty("log", out var d) && d.GetString() == "packet").ToList();
            packets.Count.ShouldBe(50 * 8);
            packets.Select(l => l.Text("eventId")).Distinct().Order().ShouldBe(ids.Order());
            packets.ShouldAllBe(l => l.EnumerateObject().Select(p => p.Name).SequenceEqual(PacketLines.Fields));
            var logLines = parsed.Except(packets).ToList();
            logLines.ShouldNotBeEmpty();
            logLines.Where(l => !l.TryGetProperty("Category", out _)).ShouldBeEmpty();
            logLines.ShouldContain(l => l.GetProperty("Message").GetString()!.StartsWith("Packet log stopped: written 400, dropped 0, sampled out 0"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}

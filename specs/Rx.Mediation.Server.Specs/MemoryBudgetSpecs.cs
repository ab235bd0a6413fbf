using System.Net;
using System.Text.Json;
using Rx.Mediation.Server.Specs.Operations.Metrics;
using Rx.Mediation.Testing;
using Xunit.Abstractions;

namespace Rx.Mediation.Server.Specs;

/// <summary>
/// The server's resident memory under what anonymous clients may send, measured on a server process of its own with
/// the default configuration (appsettings.json): a test host would share this process's memory.
/// </summary>
public class MemoryBudgetSpecs(ITestOutputHelper output)
{
    /// <summary>The ceiling README.md promises for the default configuration.</summary>
    private const long Ceiling = 512L * 1024 * 1024;

    [Fact]
    public async Task Large_and_tiny_posts_to_ever_new_topics_with_no_consumer_keep_the_server_under_its_memory_ceiling_and_answering()
    {
        var port = FreePort.Next();
        await using var server = ExternalProcess.Start(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Rx.Mediation.Server.dll"), $"--Mediation:Url=http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning"],
            workingDirectory: AppContext.BaseDirectory);
        (await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30))).ShouldBeTrue($"the server listens; output:\n{server.Output}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        var idle = Memory(server.Id);
        var mebibyte = new byte[1024 * 1024];
        Array.Fill(mebibyte, (byte)'x');
        await PostAllAsync(http, 1_200, i => ($"large/{i}", mebibyte), parallel: 4);
        var afterLarge = Memory(server.Id);
        await PostAllAsync(http, 100_000, i => ($"tiny/{i}", [(byte)'t']), parallel: 8);

        // Still answering: a new event is taken and polled back.
        using (var posted = await http.PostAsync("/events?topic=after", new StringContent("still here")))
            posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        using (var poll = JsonDocument.Parse(await http.GetStringAsync("/poll?topic=after&timeout=5")))
            poll.RootElement.GetProperty("items")[0].GetProperty("payload").GetString().ShouldBe("still here");

        // What the buffers let go is counted, by reason: every event but the last of each topic kept.
        var metrics = ExpositionChecker.Check(await http.GetStringAsync("/metrics"));
        foreach (var entrypoint in new[] { "sse", "poll" })
        {
            double Dropped(string reason) => metrics.Value("rx_mediation_entrypoint_drops_total", ("entrypoint", entrypoint), ("reason", reason)) ?? 0;
            Dropped("buffer-bytes").ShouldBeGreaterThan(1_000, $"{entrypoint}: the large posts pass the byte budget");
            Dropped("buffer-topics").ShouldBeGreaterThan(80_000, $"{entrypoint}: the tiny posts pass the topic limit");
            (Dropped("buffer-bytes") + Dropped("buffer-topics")).ShouldBeGreaterThanOrEqualTo(101_200 - 10_000, $"{entrypoint}: at most 10,000 topics of one event each are kept");
        }

        var memory = Memory(server.Id);
        output.WriteLine($"idle: {idle}; after 1,200 posts of 1 MiB: {afterLarge}; after 100,000 tiny posts more: {memory}");
        server.HasExited.ShouldBeFalse();
        afterLarge.Peak.ShouldBeLessThan(Ceiling, $"peak resident memory after the large posts: {afterLarge}");
        memory.Peak.ShouldBeLessThan(Ceiling, $"peak resident memory over the whole run: {memory}");
    }

    private static async Task PostAllAsync(HttpClient http, int count, Func<int, (string Topic, byte[] Body)> make, int parallel)
    {
        var refused = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, cancellationToken) =>
        {
            var (topic, body) = make(i);
            using var response = await http.PostAsync($"/events?topic={topic}", new ByteArrayContent(body), cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted) Interlocked.Increment(ref refused);
        });
        refused.ShouldBe(0, $"every one of {count} posts is accepted");
    }

    /// <summary>The process's resident memory now and at its peak (the kernel's high-water mark).</summary>
    private static ResidentMemory Memory(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        long Kilobytes(string field) => long.Parse(status.Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;
        return new ResidentMemory(Kilobytes("VmRSS"), Kilobytes("VmHWM"));
    }

    private readonly record struct ResidentMemory(long Now, long Peak)
    {
        public override string ToString() => $"{Now / (1024 * 1024)} MiB now, {Peak / (1024 * 1024)} MiB peak";
    }
}

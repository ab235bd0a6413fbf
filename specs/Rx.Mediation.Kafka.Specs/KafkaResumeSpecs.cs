using System.Net;
using System.Text.Json;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Kafka;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Testing;
using Rx.Mediation.Topics;
using static Rx.Mediation.Kafka.Specs.KafkaEndpointSupport;

namespace Rx.Mediation.Kafka.Specs;

/// <summary>
/// Web clients resume from Kafka: a client of server instance A comes back to a fresh instance B (nothing buffered, its own
/// consumer group starting at the end) with its SSE Last-Event-ID or poll cursor, and gets exactly the messages after
/// its position on every partition, in partition order, then the live ones, with no gap and no duplicate.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaResumeSpecs(KafkaCluster cluster)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_sse_client_resumes_on_a_fresh_instance_with_exactly_the_rest_of_every_partition_then_live_ones()
    {
        var topic = Unique("sse-resume");
        cluster.Mock.CreateTopic(topic, partitions: 2);

        // Instance A: the client reads six of ten messages, then it and A go away.
        string lastId;
        List<string> seen;
        await using (var a = await StartAsync(topic, Unique("a"), "earliest"))
        {
            await using var sse = await SseClient.ConnectAsync(new Uri(a.BaseAddress, $"/sse?topic={topic}"));
            await Eventually.TrueAsync(() => a.Entrypoint<SseEntrypoint>().Clients.Count == 1, "the client is connected to A");
            await ProduceAsync(topic, 0, "a0", "a1", "a2", "a3", "a4");
            await ProduceAsync(topic, 1, "b0", "b1", "b2", "b3", "b4");
            var first = await sse.NextAsync(6, Long);
            lastId = first[^1].Id!;
            seen = first.Select(m => m.Data).ToList();
        }

        // Its id names how far it got in both partitions, not only the one of its last message.
        var log = await PositionsAsync(topic);
        KafkaPositions.TryParse(lastId, out var position).ShouldBeTrue(lastId);
        position.Offsets.ShouldBe(Enumerable.Range(0, 2).ToDictionary(
            p => $"{topic}@{p}", p => seen.Where(s => log[s].Partition == p).Select(s => log[s].Offset).DefaultIfEmpty(-1).Max()), ignoreOrder: true);

        // While no instance runs, more messages arrive.
        await ProduceAsync(topic, 0, "a5", "a6");
        await ProduceAsync(topic, 1, "b5");

        // Instance B starts at the end of the topic (its own group, latest): it buffers none of the above.
        await using var b = await StartAsync(topic, Unique("b"), "latest");
        await ConsumingLiveAsync(b, topic);
        b.Entrypoint<SseEntrypoint>().Log.FindSequence(lastId).ShouldBeNull();

        await using var resumed = await SseClient.ConnectAsync(new Uri(b.BaseAddress, $"/sse?topic={topic}"), lastEventId: lastId);
        resumed.Response.Headers.GetValues(SseEntrypoint.ResumeHeader).ShouldBe(["broker"]);
        log = await PositionsAsync(topic);
        var rest = log.Where(m => m.Value.Offset > position.Offsets[$"{topic}@{m.Value.Partition}"]).Select(m => m.Key).ToList();
        rest.Count.ShouldBeGreaterThan(4 + 3, "the four A had not delivered, the three produced meanwhile and B's own");
        var caughtUp = await resumed.NextAsync(rest.Count, Long);
        caughtUp.Select(m => m.Data).ShouldBe(rest, ignoreOrder: true);
        InPartitionOrder(caughtUp.Select(m => m.Data), log);

        // Then live, nothing twice.
        await ProduceAsync(topic, 0, "live-a");
        await ProduceAsync(topic, 1, "live-b");
        var live = await resumed.NextAsync(2, Long);
        live.Select(m => m.Data).ShouldBe(["live-a", "live-b"], ignoreOrder: true);
        await NothingMoreAsync(resumed);

        // The ids given while resuming cover both partitions: coming back with the last one replays nothing old.
        log = await PositionsAsync(topic);
        KafkaPositions.TryParse(live[^1].Id!, out var end).ShouldBeTrue();
        end.Offsets.ShouldBe(new Dictionary<string, long> { [$"{topic}@0"] = log["live-a"].Offset, [$"{topic}@1"] = log["live-b"].Offset }, ignoreOrder: true);
        await using var again = await SseClient.ConnectAsync(new Uri(b.BaseAddress, $"/sse?topic={topic}"), lastEventId: live[^1].Id);
        await ProduceAsync(topic, 1, "after");
        (await again.NextAsync(Long)).Data.ShouldBe("after");
        await NothingMoreAsync(again);
    }

    [Fact]
    public async Task A_poll_cursor_resumes_on_a_fresh_instance_page_by_page_then_from_its_log()
    {
        var topic = Unique("poll-resume");
        cluster.Mock.CreateTopic(topic, partitions: 2);

        string cursor;
        List<string> seen;
        await using (var a = await StartAsync(topic, Unique("a"), "earliest"))
        {
            await ProduceAsync(topic, 0, "a0", "a1", "a2", "a3");
            await ProduceAsync(topic, 1, "b0", "b1", "b2", "b3");
            await Eventually.TrueAsync(() => a.Entrypoint<PollEntrypoint>().Log.LastSequence >= 8, "A buffered the messages", Long);
            using var page = await PollAsync(a, topic, null, limit: 3);
            seen = Payloads(page);
            seen.Count.ShouldBe(3);
            cursor = page.RootElement.GetProperty("nextCursor").GetString()!;
        }

        await ProduceAsync(topic, 0, "a4");
        await ProduceAsync(topic, 1, "b4", "b5");
        await using var b = await StartAsync(topic, Unique("b"), "latest");
        await ConsumingLiveAsync(b, topic);

        // Pages of two from the broker until caught up, then B's own log; nothing twice, nothing missing.
        var received = new List<string>();
        var pages = 0;
        while (true)
        {
            using var page = await PollAsync(b, topic, cursor, limit: 2);
            pages++;
            pages.ShouldBeLessThan(20);
            var items = Payloads(page);
            received.AddRange(items);
            var next = page.RootElement.GetProperty("nextCursor").GetString()!;
            PollCursor.TryParse(next, out var parsed).ShouldBeTrue();
            parsed.Position.ShouldNotBeNull("the cursor keeps the broker position");
            if (items.Count > 0) page.RootElement.GetProperty("resume").GetString().ShouldBe("broker");
            page.RootElement.TryGetProperty("reset", out _).ShouldBeFalse();
            cursor = next;
            if (items.Count == 0) break;
        }
        var log = await PositionsAsync(topic);
        var rest = log.Keys.Except(seen).ToList();
        received.ShouldBe(rest, ignoreOrder: true);
        InPartitionOrder(received, log);
        pages.ShouldBeGreaterThan(rest.Count / 2, "the replay came in pages of two");

        // From now on B's log: a long poll answers with the live message alone.
        var poll = PollAsync(b, topic, cursor, limit: 100, timeout: 30);
        await ProduceAsync(topic, 1, "live");
        using (var live = await poll)
        {
            Payloads(live).ShouldBe(["live"]);
            cursor = live.RootElement.GetProperty("nextCursor").GetString()!;
        }
        using (var empty = await PollAsync(b, topic, cursor, limit: 100))
        {
            Payloads(empty).ShouldBeEmpty();
        }
    }

    /// <summary>
    /// Clients come back the moment a server restarts, before its consumer (a fresh group at "latest") got its
    /// partitions. What is produced after their replay ended but before that assignment must still reach them: the
    /// consumer starts no later than where the replay ended.
    /// </summary>
    [Fact]
    public async Task A_client_resuming_before_the_fresh_instance_got_its_partitions_misses_nothing_produced_meanwhile()
    {
        // A cluster of its own: its group coordinator is made slow below.
        using var own = KafkaMockCluster.Start(brokers: 1);
        var topic = Unique("early");
        own.CreateTopic(topic, partitions: 1);
        string lastId;
        await using (var a = await StartAsync(topic, Unique("a"), "earliest", bootstrap: own.BootstrapServers))
        {
            await using var sse = await SseClient.ConnectAsync(new Uri(a.BaseAddress, $"/sse?topic={topic}"));
            await Eventually.TrueAsync(() => a.Entrypoint<SseEntrypoint>().Clients.Count == 1, "the client is connected to A");
            await KafkaCat.ProduceAsync(own.BootstrapServers, topic, ["a0", "a1", "a2"]);
            lastId = (await sse.NextAsync(2, Long))[^1].Id!;
        }

        // B's consumer gets its partition only seconds after it starts: the coordinator answers its JoinGroup late.
        const short JoinGroup = 11;
        var joinDelay = TimeSpan.FromSeconds(8);
        own.DelayNextRequest(JoinGroup, joinDelay);
        var started = DateTime.UtcNow;
        await using var b = await StartAsync(topic, Unique("b"), "latest", bootstrap: own.BootstrapServers);
        await using var resumed = await SseClient.ConnectAsync(new Uri(b.BaseAddress, $"/sse?topic={topic}"), lastEventId: lastId);
        (await resumed.NextAsync(Long)).Data.ShouldBe("a2");
        await KafkaCat.ProduceAsync(own.BootstrapServers, topic, ["b0", "b1", "b2"]);
        (DateTime.UtcNow - started).ShouldBeLessThan(joinDelay, "the messages were produced before B could have its partition");

        (await resumed.NextAsync(3, Long)).Select(m => m.Data).ShouldBe(["b0", "b1", "b2"]);
        await NothingMoreAsync(resumed);
    }

    [Fact]
    public async Task Replayed_messages_go_through_the_routes_stages_as_the_live_ones_do()
    {
        var topic = Unique("staged");
        cluster.Mock.CreateTopic(topic, partitions: 1);
        Action<Hosting.MediationServerBuilder> routes = builder =>
        {
            var table = new RouteTable();
            table.From("k").Named("fromKafka").Where(e => !e.Text.StartsWith("skip", StringComparison.Ordinal)).SelectText(t => t.ToUpperInvariant()).To("sse");
            builder.Routes = [.. table];
        };

        string lastId;
        await using (var a = await StartAsync(topic, Unique("a"), "earliest", routes))
        {
            await using var sse = await SseClient.ConnectAsync(new Uri(a.BaseAddress, $"/sse?topic={topic}"));
            await Eventually.TrueAsync(() => a.Entrypoint<SseEntrypoint>().Clients.Count == 1, "the client is connected to A");
            await ProduceAsync(topic, 0, "one", "skip-1", "two");
            var first = await sse.NextAsync(2, Long);
            first.Select(m => m.Data).ShouldBe(["ONE", "TWO"]);
            lastId = first[0].Id!;
        }
        lastId.ShouldBe($"{topic}@0#0");
        await ProduceAsync(topic, 0, "skip-2", "three");

        await using var b = await StartAsync(topic, Unique("b"), "latest", routes);
        await using var resumed = await SseClient.ConnectAsync(new Uri(b.BaseAddress, $"/sse?topic={topic}"), lastEventId: lastId);
        var rest = await resumed.NextAsync(2, Long);
        rest.Select(m => m.Data).ShouldBe(["TWO", "THREE"]);
        rest.Select(m => m.Id).ShouldBe([$"{topic}@0#2", $"{topic}@0#4"]);
        // The running route's counters saw none of it: the replay ran private copies of its stages.
        b.Engine.FindRoute("fromKafka")!.Counters.Emitted.ShouldBe(0);
        await NothingMoreAsync(resumed);
    }

    [Fact]
    public async Task A_last_event_id_buffered_on_the_same_instance_resumes_from_the_buffer()
    {
        var topic = Unique("same");
        cluster.Mock.CreateTopic(topic, partitions: 2);
        await using var server = await StartAsync(topic, Unique("g"), "earliest");
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic={topic}"));
        await Eventually.TrueAsync(() => server.Entrypoint<SseEntrypoint>().Clients.Count == 1, "the client is connected");
        await ProduceAsync(topic, 0, "a0", "a1");
        await ProduceAsync(topic, 1, "b0", "b1");
        var all = await sse.NextAsync(4, Long);

        await using var resumed = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic={topic}"), lastEventId: all[1].Id);
        resumed.Response.Headers.GetValues(SseEntrypoint.ResumeHeader).ShouldBe(["buffer"]);
        (await resumed.NextAsync(2, Long)).Select(m => (m.Id, m.Data)).ShouldBe(all.Skip(2).Select(m => (m.Id, m.Data)));
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("{topic}@zero#1")]
    [InlineData("{topic}@0#1;{topic}@1#2")]
    [InlineData("elsewhere@0#3")]
    public async Task A_malformed_or_foreign_last_event_id_gets_live_events_only_and_says_so(string lastEventId)
    {
        var topic = Unique("foreign");
        cluster.Mock.CreateTopic(topic, partitions: 1);
        await ProduceAsync(topic, 0, "old");
        await using var server = await StartAsync(topic, Unique("g"), "earliest");
        await Eventually.TrueAsync(() => server.Entrypoint<SseEntrypoint>().Log.LastSequence >= 1, "the server consumed the old message", Long);

        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic={topic}"), lastEventId: lastEventId.Replace("{topic}", topic));
        sse.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sse.Response.Headers.GetValues(SseEntrypoint.ResumeHeader).ShouldBe(["none"]);
        (await sse.NextAsync(includeComments: true)).Comment.ShouldStartWith("resume:");
        await ProduceAsync(topic, 0, "new");
        (await sse.NextAsync(Long)).Data.ShouldBe("new");

        // A poll cursor from another instance with a position no source here knows starts over, as any foreign cursor.
        var foreign = new PollCursor(1, 5, lastEventId.Replace("{topic}", topic)).ToString();
        using var page = await PollAsync(server, topic, foreign, limit: 10);
        page.RootElement.GetProperty("reset").GetBoolean().ShouldBeTrue();
        Payloads(page).ShouldBe(["old", "new"]);
    }

    [Fact]
    public async Task When_the_broker_cannot_be_read_sse_ends_the_stream_for_a_retry_and_polling_answers_503()
    {
        var port = FreePort.Next();
        var topic = Unique("down");
        await using var server = await RunningServer.StartAsync(
            [.. Endpoint("k", $"127.0.0.1:{port}", $"Topics={topic}", "ReplayTimeout=00:00:01"), .. Route("fromKafka", "k", "sse, poll")]);

        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic={topic}"), lastEventId: $"{topic}@0#4");
        sse.Response.Headers.GetValues(SseEntrypoint.ResumeHeader).ShouldBe(["broker"]);
        (await sse.ReadToEndAsync(Long)).ShouldBeEmpty();
        sse.Raw.ShouldContain("retry: 2000\n");
        sse.Raw.ShouldContain(": resume failed:");

        using var response = await server.Http.GetAsync($"/poll?topic={topic}&timeout=0&cursor={new PollCursor(1, 0, $"{topic}@0#4")}");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("error").GetString().ShouldBe("replay-failed");
    }

    private Task<RunningServer> StartAsync(string topic, string group, string reset, Action<Hosting.MediationServerBuilder>? configure = null, string? bootstrap = null) =>
        RunningServer.StartAsync(
            [.. Endpoint("k", bootstrap ?? cluster.BootstrapServers, $"Topics={topic}", $"GroupId={group}", $"AutoOffsetReset={reset}"), .. Route("fromKafka", "k", "sse, poll")],
            configure);

    private Task ProduceAsync(string topic, int partition, params string[] payloads) =>
        KafkaCat.ProduceAsync(cluster.BootstrapServers, topic, payloads, partition: partition);

    /// <summary>Each payload's partition and offset, as kcat reads the topic.</summary>
    private async Task<Dictionary<string, (int Partition, long Offset)>> PositionsAsync(string topic) =>
        (await KafkaCat.ReadAllAsync(cluster.BootstrapServers, topic)).ToDictionary(m => m.Payload!, m => (m.Partition, m.Offset));

    /// <summary>
    /// Waits until <paramref name="server"/> consumes both partitions live: a fresh group at "latest" skips what was
    /// produced before it got its partitions, so markers are produced until each arrives. They belong to the stream.
    /// </summary>
    private async Task ConsumingLiveAsync(RunningServer server, string topic)
    {
        var log = server.Entrypoint<SseEntrypoint>().Log;
        var deadline = DateTime.UtcNow + Long;
        for (var partition = 0; partition < 2; partition++)
        {
            for (var attempt = 0; ; attempt++)
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the fresh instance never consumed live");
                var marker = $"marker-{partition}-{attempt}";
                await ProduceAsync(topic, partition, marker);
                var arrived = DateTime.UtcNow + TimeSpan.FromSeconds(2);
                while (DateTime.UtcNow < arrived && !log.Read(TopicPattern.Parse(topic), 0, 1000).Items.Any(e => e.Event.Text == marker)) await Task.Delay(20);
                if (log.Read(TopicPattern.Parse(topic), 0, 1000).Items.Any(e => e.Event.Text == marker)) break;
            }
        }
    }

    private static async Task<JsonDocument> PollAsync(RunningServer server, string topic, string? cursor, int limit, double timeout = 0)
    {
        var query = $"/poll?topic={topic}&limit={limit}&timeout={timeout}" + (cursor is null ? "" : $"&cursor={cursor}");
        using var response = await server.Http.GetAsync(query);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text);
    }

    private static List<string> Payloads(JsonDocument page) =>
        page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("payload").GetString()!).ToList();

    private static void InPartitionOrder(IEnumerable<string> payloads, IReadOnlyDictionary<string, (int Partition, long Offset)> log)
    {
        foreach (var partition in payloads.GroupBy(p => log[p].Partition))
        {
            var offsets = partition.Select(p => log[p].Offset).ToList();
            offsets.ShouldBe(offsets.Order().ToList(), $"partition {partition.Key} in offset order");
        }
    }

    private static async Task NothingMoreAsync(SseClient client)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        SseMessage? extra = null;
        try
        {
            extra = await client.NextAsync(TimeSpan.FromMilliseconds(300));
        }
        catch (ShouldAssertException timedOut) when (timedOut.Message.StartsWith("timed out", StringComparison.Ordinal))
        {
        }
        extra.ShouldBeNull("nothing more (no duplicate) arrived");
    }
}

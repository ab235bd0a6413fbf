using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Rx.Mediation.BrokerBench;

/// <summary>The web side of the engine cases: WebSocket senders at full speed, a paced round-trip probe, and POSTs.</summary>
internal static class WebClients
{
    private static readonly byte[] RejectedMarker = Encoding.UTF8.GetBytes("\"type\":\"rejected\"");

    /// <summary>A payload of exactly <paramref name="size"/> ASCII bytes (UTF-8, so the server sends it as text).</summary>
    public static byte[] Payload(int size, string prefix = "")
    {
        return Encoding.ASCII.GetBytes(prefix + new string('x', Math.Max(0, size - prefix.Length)));
    }

    /// <summary>
    /// <paramref name="connections"/> WebSockets send <paramref name="total"/> text messages between them, each as fast as
    /// the socket takes them (one send awaited at a time per socket, as the server reads one message at a time).
    /// Returns when every message was handed to the socket; the caller measures what the broker acknowledged.
    /// </summary>
    public static async Task<WsLoad> ConnectAsync(Uri baseUri, string publishTopic, int connections)
    {
        var sockets = new List<ILoadSocket>();
        // The senders subscribe to a topic nothing publishes, so the server sends them nothing but control messages.
        var pathAndQuery = $"/ws?topic=bench-silent&publishTopic={Uri.EscapeDataString(publishTopic)}";
        for (var i = 0; i < connections; i++)
        {
            if (FramesPerWrite > 0)
            {
                sockets.Add(new FramedSocket(await FramedWebSocket.ConnectAsync(baseUri, pathAndQuery), FramesPerWrite));
                continue;
            }
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(WsUri(baseUri, pathAndQuery), CancellationToken.None);
            sockets.Add(new LoadSocket(socket));
        }
        return new WsLoad(sockets);
    }

    /// <summary>
    /// How the load sockets write: frames built before the run, this many per socket write (<see cref="FramedWebSocket"/>),
    /// or 0 for <see cref="ClientWebSocket"/>, one <c>SendAsync</c> per message.
    /// </summary>
    public static int FramesPerWrite { get; set; } = 16;

    public static string Describe(int framesPerWrite) => framesPerWrite > 0
        ? $"pre-built frames, {framesPerWrite} per socket write"
        : "ClientWebSocket, one SendAsync per message";

    internal interface ILoadSocket : IAsyncDisposable
    {
        long Rejected { get; }

        Task SendAsync(int count, byte[] payload);
    }

    internal sealed class WsLoad(List<ILoadSocket> sockets) : IAsyncDisposable
    {
        public long Rejected => sockets.Sum(s => s.Rejected);

        public async Task SendAsync(int total, byte[] payload)
        {
            var per = total / sockets.Count;
            var extra = total % sockets.Count;
            await Task.WhenAll(sockets.Select((s, i) => Task.Run(() => s.SendAsync(per + (i < extra ? 1 : 0), payload))));
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var socket in sockets) await socket.DisposeAsync();
        }
    }

    private sealed class FramedSocket(FramedWebSocket socket, int framesPerWrite) : ILoadSocket
    {
        public long Rejected => socket.Rejected;

        public Task SendAsync(int count, byte[] payload) => socket.SendAsync(count, payload, framesPerWrite);

        public ValueTask DisposeAsync() => socket.DisposeAsync();
    }

    internal sealed class LoadSocket : ILoadSocket
    {
        private readonly ClientWebSocket _socket;
        private readonly Task _drain;
        private long _rejected;

        public LoadSocket(ClientWebSocket socket)
        {
            _socket = socket;
            _drain = Task.Run(DrainAsync);
        }

        public long Rejected => Interlocked.Read(ref _rejected);

        public async Task SendAsync(int count, byte[] payload)
        {
            for (var i = 0; i < count; i++) await _socket.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
        }

        // Welcome and any "rejected" notices: read so the server's sends never back up, and count the rejections.
        private async Task DrainAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (_socket.State == WebSocketState.Open)
                {
                    var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    if (buffer.AsSpan(0, result.Count).IndexOf(RejectedMarker) >= 0) Interlocked.Increment(ref _rejected);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                if (_socket.State == WebSocketState.Open) await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
                await _drain.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
            {
            }
            _socket.Dispose();
        }
    }

    /// <summary>
    /// Round trips WebSocket → route → broker → endpoint's consumer → route → WebSocket: one socket sends
    /// <paramref name="count"/> messages at <paramref name="ratePerSecond"/>, another (subscribed to what the endpoint
    /// consumes) receives them; each message carries its sequence number. Before measuring, probes are sent until one
    /// comes back (consumer assigned and subscribed), then <paramref name="warmup"/> unmeasured round trips.
    /// </summary>
    public static async Task<Latency> RoundTripsAsync(Uri baseUri, string publishTopic, string receiveTopic, int count, int ratePerSecond, int warmup, int payloadBytes)
    {
        using var sender = new ClientWebSocket();
        using var receiver = new ClientWebSocket();
        await receiver.ConnectAsync(WsUri(baseUri, $"/ws?topic={Uri.EscapeDataString(receiveTopic)}"), CancellationToken.None);
        await sender.ConnectAsync(WsUri(baseUri, $"/ws?topic=bench-silent&publishTopic={Uri.EscapeDataString(publishTopic)}"), CancellationToken.None);
        var arrivals = new ConcurrentDictionary<long, long>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(() => ReceiveSequencesAsync(receiver, arrivals, stop.Token));
        var senderDrain = Task.Run(() => DrainAsync(sender, stop.Token));

        // Probe until the path is live (e.g. a Kafka consumer group takes seconds to get its partitions).
        var probe = -1L;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await SendSequenceAsync(sender, probe, payloadBytes);
            var waited = Stopwatch.StartNew();
            while (!arrivals.ContainsKey(probe) && waited.Elapsed < TimeSpan.FromSeconds(1)) await Task.Delay(10);
            if (arrivals.ContainsKey(probe)) break;
            if (deadline.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"no round trip through {publishTopic} → {receiveTopic} within 90 s");
            probe--;
        }
        // Late copies of the probes must not be taken for measured messages: those use sequence numbers >= 0.
        var sent = new long[warmup + count];
        var interval = Stopwatch.Frequency / (double)ratePerSecond;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < sent.Length; i++)
        {
            var due = start + (long)(i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                var wait = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                if (wait > 1) await Task.Delay((int)wait - 1);
                else Thread.SpinWait(50);
            }
            sent[i] = Stopwatch.GetTimestamp();
            await SendSequenceAsync(sender, i, payloadBytes);
        }
        var settle = Stopwatch.StartNew();
        while (arrivals.Count(a => a.Key >= 0) < sent.Length && settle.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(20);
        await stop.CancelAsync();

        var latencies = new List<double>(count);
        for (var i = warmup; i < sent.Length; i++)
        {
            if (arrivals.TryGetValue(i, out var arrived)) latencies.Add((arrived - sent[i]) * 1000.0 / Stopwatch.Frequency);
        }
        latencies.Sort();
        try
        {
            await Task.WhenAll(receiving, senderDrain).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException)
        {
        }
        return new Latency([.. latencies], count, ratePerSecond);
    }

    private static Uri WsUri(Uri baseUri, string pathAndQuery) => new($"ws://{baseUri.Authority}{pathAndQuery}");

    private static Task SendSequenceAsync(ClientWebSocket socket, long sequence, int payloadBytes) =>
        socket.SendAsync(Payload(payloadBytes, $"seq:{sequence}:"), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task ReceiveSequencesAsync(ClientWebSocket socket, ConcurrentDictionary<long, long> arrivals, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                var now = Stopwatch.GetTimestamp();
                if (result.MessageType == WebSocketMessageType.Close) return;
                var text = Encoding.ASCII.GetString(buffer, 0, Math.Min(result.Count, 32));
                if (!text.StartsWith("seq:", StringComparison.Ordinal)) continue;
                var end = text.IndexOf(':', 4);
                if (end > 4 && long.TryParse(text.AsSpan(4, end - 4), out var sequence)) arrivals.TryAdd(sequence, now);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    private static async Task DrainAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close) return;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// <paramref name="total"/> POSTs over <paramref name="concurrency"/> concurrent requesters; returns the number
    /// answered 202 (others are counted by status code into <paramref name="refused"/>).
    /// </summary>
    public static async Task<long> PostAsync(Uri baseUri, string topic, int total, int concurrency, byte[] payload, ConcurrentDictionary<int, long> refused)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
        var path = $"/events?topic={Uri.EscapeDataString(topic)}";
        long next = -1, accepted = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < total)
            {
                using var content = new ByteArrayContent(payload);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
                using var response = await http.PostAsync(path, content);
                if ((int)response.StatusCode == 202) Interlocked.Increment(ref accepted);
                else refused.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }
        })));
        return accepted;
    }
}

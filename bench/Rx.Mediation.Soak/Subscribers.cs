using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Rx.Mediation.Soak;

/// <summary>Clients that subscribe to <c>soak/#</c>: SSE streams, WebSockets and a long poller, fast or slow.</summary>
internal static class Subscribers
{
    public const string Filter = "soak/#";

    /// <summary>Reads an SSE stream's <c>data:</c> lines; a slow one reads a little at a time with pauses, like a congested reader.</summary>
    public static async Task SseAsync(HttpClient http, Subscriber subscriber, Ledger ledger, bool measure, CancellationToken stop)
    {
        try
        {
            using var response = await http.GetAsync($"/sse?topic={Uri.EscapeDataString(Filter)}", HttpCompletionOption.ResponseHeadersRead, stop);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(stop);
            Stream source = subscriber.Slow ? new BufferedStream(new TrickleStream(stream, subscriber), 1024) : stream;
            using var reader = new StreamReader(source, Encoding.UTF8);
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal)) Received(line.AsSpan(5).Trim(), subscriber, ledger, measure);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
        }
    }

    public static async Task WebSocketAsync(Uri baseUri, Subscriber subscriber, Ledger ledger, CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{baseUri.Authority}/ws?topic={Uri.EscapeDataString(Filter)}"), stop);
        var buffer = new byte[64 * 1024];
        try
        {
            while (!stop.IsCancellationRequested && await ReceiveMessageAsync(socket, buffer, stop) is { } message)
            {
                Received(message, subscriber, ledger, measure: false);
                if (subscriber.Pausing) await Task.Delay(20, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    /// <summary>Long-polls <c>soak/#</c> from the oldest buffered event on, following <c>nextCursor</c>.</summary>
    public static async Task PollAsync(HttpClient http, Subscriber subscriber, Ledger ledger, CancellationToken stop)
    {
        string? cursor = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var url = $"/poll?topic={Uri.EscapeDataString(Filter)}&timeout=5&limit=500" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
                using var json = JsonDocument.Parse(await http.GetByteArrayAsync(url, stop));
                foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
                {
                    var payload = item.GetProperty("payload");
                    Received(Encoding.UTF8.GetBytes(payload.ValueKind == JsonValueKind.String ? payload.GetString()! : payload.GetRawText()), subscriber, ledger, measure: false);
                }
                cursor = json.RootElement.GetProperty("nextCursor").GetString();
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or JsonException or KeyNotFoundException)
            {
                if (!stop.IsCancellationRequested) await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    /// <summary>One whole message, or null when the socket closed.</summary>
    public static async Task<byte[]?> ReceiveMessageAsync(ClientWebSocket socket, byte[] buffer, CancellationToken cancellationToken = default)
    {
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return message.ToArray();
        }
    }

    private static void Received(ReadOnlySpan<char> data, Subscriber subscriber, Ledger ledger, bool measure) =>
        Received(Encoding.UTF8.GetBytes(data.ToString()), subscriber, ledger, measure);

    private static void Received(byte[] payload, Subscriber subscriber, Ledger ledger, bool measure)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            string? key = null;
            long sent = 0;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                if (reader.ValueTextEquals("k"u8) && reader.Read()) key = reader.GetString();
                else if (reader.ValueTextEquals("t"u8) && reader.Read()) sent = reader.GetInt64();
            }
            if (key is null) return;
            subscriber.Receive(key);
            if (measure) ledger.Latency(sent);
        }
        catch (JsonException)
        {
            // Control messages and anything else that is not a soak payload.
        }
    }

    /// <summary>A reader that, while its subscriber is pausing, takes at most 1 KiB per read and pauses 10 ms between reads.</summary>
    private sealed class TrickleStream(Stream inner, Subscriber subscriber) : Stream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!subscriber.Pausing) return await inner.ReadAsync(buffer, cancellationToken);
            await Task.Delay(10, cancellationToken);
            return await inner.ReadAsync(buffer[..Math.Min(buffer.Length, 1024)], cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

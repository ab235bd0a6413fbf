using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// A load generator's WebSocket client: the RFC 6455 opening handshake over a plain socket, then text frames built
/// (and masked) before the run, written several frames per socket write.
/// <para>
/// Why not <see cref="System.Net.WebSockets.ClientWebSocket"/>: on this 2-core machine the load clients share the CPU
/// with the server, librdkafka and the broker. ClientWebSocket masks every frame with a fresh key from the OS's
/// cryptographic RNG and writes each frame with its own system call, which made the clients cost about as much CPU as
/// the whole direct Kafka path; a load generator on its own machine would not take that from the server. This client
/// leaves the server's side unchanged: Kestrel still parses, unmasks and validates every frame, and the engine handles
/// each message as its own event. What changes is that a socket read on the server often finds several frames, as it
/// does when many real clients send over a busy network. The masking keys are random, chosen before the run.
/// </para>
/// </summary>
internal sealed class FramedWebSocket : IAsyncDisposable
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static readonly byte[] RejectedMarker = Encoding.UTF8.GetBytes("\"type\":\"rejected\"");

    private readonly Socket _socket;
    private readonly Task _reading;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _rejected;

    private FramedWebSocket(Socket socket, byte[] leftover)
    {
        _socket = socket;
        _reading = Task.Run(() => ReadAsync(leftover));
    }

    /// <summary>Messages the server answered with a "rejected" notice.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public static async Task<FramedWebSocket> ConnectAsync(Uri baseUri, string pathAndQuery)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(baseUri.Host, baseUri.Port);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {baseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                          $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request));

            // The response head ends at the first blank line; whatever follows it is already WebSocket frames.
            var buffer = new byte[16 * 1024];
            var filled = 0;
            int end;
            while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled));
                if (read == 0) throw new IOException("the server closed the connection during the WebSocket handshake");
                filled += read;
            }
            var head = Encoding.ASCII.GetString(buffer, 0, end);
            if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal)) throw new IOException($"WebSocket handshake refused: {head.Split("\r\n")[0]}");
            var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
            if (!head.Contains($"Sec-WebSocket-Accept: {expected}", StringComparison.OrdinalIgnoreCase))
                throw new IOException("WebSocket handshake: Sec-WebSocket-Accept does not match the key");
            return new FramedWebSocket(socket, buffer[(end + 4)..filled]);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> text messages of <paramref name="payload"/>, <paramref name="framesPerWrite"/> frames
    /// per socket write, each write awaited before the next (TCP flow control paces the client).
    /// </summary>
    public async Task SendAsync(int count, byte[] payload, int framesPerWrite)
    {
        // A few batches with different masking keys, used in turn.
        var batches = Enumerable.Range(0, 8).Select(_ => Batch(payload, framesPerWrite)).ToArray();
        var frameLength = batches[0].Length / framesPerWrite;
        var sent = 0;
        for (var b = 0; sent < count; b++)
        {
            var frames = Math.Min(framesPerWrite, count - sent);
            var batch = batches[b % batches.Length];
            await _socket.SendAsync(batch.AsMemory(0, frames * frameLength));
            sent += frames;
        }
    }

    private static byte[] Batch(byte[] payload, int frames)
    {
        var frame = Frame(0x1, payload);
        var batch = new byte[frame.Length * frames];
        for (var i = 0; i < frames; i++) Frame(0x1, payload).CopyTo(batch, i * frame.Length);
        return batch;
    }

    /// <summary>One final, masked client frame.</summary>
    private static byte[] Frame(int opcode, ReadOnlySpan<byte> payload)
    {
        var extended = payload.Length < 126 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + extended + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        switch (extended)
        {
            case 0: frame[1] = (byte)(0x80 | payload.Length); break;
            case 2: frame[1] = 0x80 | 126; BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length); break;
            default: frame[1] = 0x80 | 127; BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length); break;
        }
        var mask = frame.AsSpan(2 + extended, 4);
        RandomNumberGenerator.Fill(mask);
        var body = frame.AsSpan(2 + extended + 4);
        for (var i = 0; i < payload.Length; i++) body[i] = (byte)(payload[i] ^ mask[i & 3]);
        return frame;
    }

    // Server frames are never masked. Text frames are searched for a rejection notice; a close frame ends the reading.
    private async Task ReadAsync(byte[] leftover)
    {
        var buffer = new byte[64 * 1024];
        leftover.CopyTo(buffer, 0);
        var filled = leftover.Length;
        try
        {
            while (true)
            {
                var offset = 0;
                while (TryFrame(buffer.AsSpan(offset, filled - offset), out var opcode, out var payloadStart, out var frameLength))
                {
                    var body = buffer.AsSpan(offset + payloadStart, frameLength - payloadStart);
                    if (opcode == 0x8)
                    {
                        _closed.TrySetResult();
                        return;
                    }
                    if (opcode == 0x1 && body.IndexOf(RejectedMarker) >= 0) Interlocked.Increment(ref _rejected);
                    offset += frameLength;
                }
                if (offset > 0)
                {
                    buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
                    filled -= offset;
                }
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled));
                if (read == 0) break;
                filled += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        _closed.TrySetResult();
    }

    private static bool TryFrame(ReadOnlySpan<byte> data, out int opcode, out int payloadStart, out int frameLength)
    {
        (opcode, payloadStart, frameLength) = (0, 0, 0);
        if (data.Length < 2) return false;
        opcode = data[0] & 0x0F;
        long length = data[1] & 0x7F;
        payloadStart = 2;
        if (length == 126)
        {
            if (data.Length < 4) return false;
            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            payloadStart = 4;
        }
        else if (length == 127)
        {
            if (data.Length < 10) return false;
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            payloadStart = 10;
        }
        if (data.Length < payloadStart + length) return false;
        frameLength = payloadStart + (int)length;
        return true;
    }

    /// <summary>Closes as the protocol asks: a close frame (1000), the server's close frame back, then the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var status = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(status, 1000);
            await _socket.SendAsync(Frame(0x8, status));
            await _closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or TimeoutException)
        {
        }
        _socket.Dispose();
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
    }
}

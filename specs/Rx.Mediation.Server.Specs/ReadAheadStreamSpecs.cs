using Rx.Mediation.Hosting.Entrypoints.WebSockets;

namespace Rx.Mediation.Server.Specs;

public sealed class ReadAheadStreamSpecs
{
    [Fact]
    public async Task Small_reads_are_served_from_one_read_of_everything_that_has_arrived()
    {
        var sent = Enumerable.Range(0, 3 * 106).Select(i => (byte)i).ToArray();
        var inner = new RecordingStream(sent);
        await using var stream = new ReadAheadStream(inner);

        var received = new List<byte>();
        var chunk = new byte[139]; // what the runtime's WebSocket asks for at most
        int read;
        while ((read = await stream.ReadAsync(chunk)) > 0) received.AddRange(chunk.AsSpan(0, read).ToArray());

        received.ShouldBe(sent);
        // Waited with a zero-byte read, took all 318 bytes at once; then the same for the end of the stream.
        inner.Requests.ShouldBe([0, ReadAheadStream.ReadAheadBytes, 0, ReadAheadStream.ReadAheadBytes]);
    }

    [Fact]
    public async Task Data_arriving_in_pieces_is_read_piece_by_piece_without_waiting_for_a_full_buffer()
    {
        var inner = new RecordingStream([1, 2, 3], [4, 5]);
        await using var stream = new ReadAheadStream(inner);
        var chunk = new byte[139];

        (await stream.ReadAsync(chunk)).ShouldBe(3);
        chunk[..3].ShouldBe(new byte[] { 1, 2, 3 });
        (await stream.ReadAsync(chunk)).ShouldBe(2);
        chunk[..2].ShouldBe(new byte[] { 4, 5 });
        (await stream.ReadAsync(chunk)).ShouldBe(0);
    }

    [Fact]
    public async Task A_read_as_large_as_the_read_ahead_and_a_zero_byte_read_go_straight_to_the_connection()
    {
        var inner = new RecordingStream(new byte[40_000]);
        await using var stream = new ReadAheadStream(inner);

        (await stream.ReadAsync(Memory<byte>.Empty)).ShouldBe(0);
        (await stream.ReadAsync(new byte[32_768])).ShouldBe(32_768);

        inner.Requests.ShouldBe([0, 32_768]);
    }

    [Fact]
    public async Task Synchronous_reads_read_ahead_too_and_writes_go_straight_through()
    {
        var inner = new RecordingStream(new byte[] { 9, 8, 7, 6 });
        await using var stream = new ReadAheadStream(inner);
        var one = new byte[1];

        var read = Enumerable.Range(0, 4).Select(_ => stream.Read(one, 0, 1) == 1 ? one[0] : -1).ToArray();
        await stream.WriteAsync(new byte[] { 1, 2 });
        stream.Write([3]);

        read.ShouldBe([9, 8, 7, 6]);
        inner.Requests.ShouldBe([ReadAheadStream.ReadAheadBytes]);
        inner.Written.ToArray().ShouldBe(new byte[] { 1, 2, 3 });
    }

    /// <summary>Hands out its pieces one per read (at most what was asked), records every read's size and keeps what is written.</summary>
    private sealed class RecordingStream(params byte[][] pieces) : Stream
    {
        private Queue<byte[]> _pieces = new(pieces);

        public List<int> Requests { get; } = [];

        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Requests.Add(buffer.Length);
            if (buffer.Length == 0 || !_pieces.TryPeek(out var piece)) return 0;
            var count = Math.Min(buffer.Length, piece.Length);
            piece.AsSpan(0, count).CopyTo(buffer);
            _pieces.Dequeue();
            if (count < piece.Length) _pieces = new Queue<byte[]>([piece[count..], .. _pieces]);
            return count;
        }

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

using System.Buffers;

namespace Rx.Mediation.Hosting.Entrypoints.WebSockets;

/// <summary>
/// Reads ahead of a WebSocket on the upgraded connection. The runtime's WebSocket reads a frame header into a buffer of
/// 139 bytes and asks its stream for at most that much at a time, so with small messages every message cost one read
/// through Kestrel's request stream (a pipe read, a copy, an advance). This stream takes everything that has arrived, up
/// to <see cref="ReadAheadBytes"/>, in one read and serves the WebSocket's small reads from memory.
/// <para>
/// An idle connection holds no buffer: with nothing buffered the stream first waits with a zero-byte read, then rents a
/// buffer for what has arrived and gives it back once that is consumed. Writes go straight through.
/// </para>
/// </summary>
internal sealed class ReadAheadStream(Stream inner) : Stream
{
    public const int ReadAheadBytes = 16 * 1024;

    private byte[]? _buffer;
    private int _start, _available;
    private bool _reading;
    private bool _disposed;

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_available > 0) return new(CopyOut(destination.Span));
        // A read as large as ours gains nothing from a copy, and a zero-byte read is the caller's own wait for data.
        if (destination.Length == 0 || destination.Length >= ReadAheadBytes) return inner.ReadAsync(destination, cancellationToken);
        return FillAndReadAsync(destination, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (_available > 0) return CopyOut(destination);
        if (destination.Length == 0 || destination.Length >= ReadAheadBytes) return inner.Read(destination);
        var buffer = Rent();
        var read = inner.Read(buffer, 0, ReadAheadBytes);
        return Filled(read, destination);
    }

    private async ValueTask<int> FillAndReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        // Wait for data without holding a buffer; Kestrel's request stream completes a zero-byte read once data is there.
        await inner.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        var buffer = Rent();
        _reading = true;
        int read;
        try
        {
            read = await inner.ReadAsync(buffer.AsMemory(0, ReadAheadBytes), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reading = false;
        }
        return Filled(read, destination.Span);
    }

    private byte[] Rent() => _buffer ??= ArrayPool<byte>.Shared.Rent(ReadAheadBytes);

    private int Filled(int read, Span<byte> destination)
    {
        (_start, _available) = (0, read);
        if (read > 0) return CopyOut(destination);
        GiveBack();
        return 0;
    }

    private int CopyOut(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _available);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        _available -= count;
        if (_available == 0) GiveBack();
        return count;
    }

    private void GiveBack()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) => inner.WriteAsync(source, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> source) => inner.Write(source);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            // A read still in progress may yet write into the buffer: then it is left to the GC, not given back to the pool.
            if (!_reading) GiveBack();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (!_reading) GiveBack();
            await inner.DisposeAsync().ConfigureAwait(false);
        }
        GC.SuppressFinalize(this);
    }
}

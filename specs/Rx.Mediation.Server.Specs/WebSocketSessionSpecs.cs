using System.IO.Pipelines;
using System.Net.WebSockets;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Hosting.Entrypoints.WebSockets;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Testing;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs;

/// <summary>One session on an in-memory connection, without Kestrel, which would otherwise end it by tearing the connection down.</summary>
public sealed class WebSocketSessionSpecs
{
    // The session hands the runtime's ReceiveAsync no token (it would register on it for every message) and aborts the
    // socket itself when its own token is cancelled: a client that sends nothing must not keep the receive loop waiting.
    [Fact]
    public async Task Cancelling_a_session_ends_its_receive_even_when_the_client_sends_nothing()
    {
        var connection = new SilentConnection();
        var socket = WebSocket.CreateFromStream(connection, isServer: true, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan);
        var entrypoint = new WebSocketEntrypoint(new WebSocketEntrypointOptions());
        var client = new ConnectedClient("c1", [TopicPattern.Parse("events")], new ClientOutbox(16, SlowClientPolicy.DropOldest));
        var session = new WebSocketSession(entrypoint, socket, client, "events", envelope: false);
        using var aborted = new CancellationTokenSource();

        var running = session.RunAsync(aborted.Token);
        await Eventually.TrueAsync(() => connection.Written > 0, "the welcome was sent");
        running.IsCompleted.ShouldBeFalse("the session waits for the client");
        aborted.Cancel();

        // Generous: with the whole suite in parallel on a loaded machine, the pool threads the session resumes on can be late.
        await running.WaitAsync(Eventually.DefaultTimeout);
        connection.Disposed.ShouldBeTrue("the socket was aborted");
    }

    /// <summary>A client that never sends: reads wait until the stream is disposed; writes are counted.</summary>
    private sealed class SilentConnection : Stream
    {
        // Inline: a cancelled read resumes on the disposing thread, not on a pool thread that a busy suite may hold up.
        private readonly Pipe _incoming = new(new PipeOptions(readerScheduler: PipeScheduler.Inline));
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var result = await _incoming.Reader.ReadAsync(cancellationToken);
            if (result.IsCanceled) throw new ObjectDisposedException(nameof(SilentConnection));
            return 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref _written, buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            _incoming.Reader.CancelPendingRead();
            base.Dispose(disposing);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

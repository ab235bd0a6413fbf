using System.IO.Pipelines;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>
/// Flushes a streamed response as it grows instead of once at the end: what is written but not flushed stays in the
/// server's memory, so a burst of large events would otherwise be held whole. A flush also waits while the client is
/// slow to read, which holds the writer back rather than letting the response pile up.
/// </summary>
internal sealed class ResponseFlusher(PipeWriter output)
{
    /// <summary>Bytes written before the next flush.</summary>
    public const int Threshold = 64 * 1024;

    private long _unflushed;

    /// <summary>Counts <paramref name="bytes"/> just written; flushes once they add up to <see cref="Threshold"/>.</summary>
    public ValueTask WroteAsync(long bytes, CancellationToken cancellationToken)
    {
        _unflushed += bytes;
        return _unflushed >= Threshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _unflushed = 0;
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

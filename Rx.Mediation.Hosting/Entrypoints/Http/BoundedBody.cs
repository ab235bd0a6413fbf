using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Rx.Mediation.Hosting.Entrypoints.Http;

/// <summary>
/// Reads a request body up to a limit. Content-Length is checked first, but a chunked body has none, so the count
/// is enforced while reading too: one byte past the limit is enough to answer 413.
/// </summary>
public static class BoundedBody
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    /// <param name="cut">Stops a read still waiting for the client (OperationCanceledException for this token).</param>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken, CancellationToken cut = default)
    {
        if (request.ContentLength > maxBytes) return null;
        var reader = request.BodyReader;
        // Cancelled through the reader rather than a read's token: Kestrel's body reader is left mid-read by a token
        // and then never finishes the request, while a cancelled pending read just returns.
        using var cutting = cut.CanBeCanceled ? cut.UnsafeRegister(static r => ((PipeReader)r!).CancelPendingRead(), reader) : default;
        if (request.ContentLength is { } declared)
            return await ReadDeclaredAsync(reader, (int)declared, cancellationToken, cut).ConfigureAwait(false);
        // Consumed into our own buffer as it arrives: holding it unconsumed in the pipe would stall Kestrel's
        // input at its buffer limit for bodies near 1 MiB.
        var body = new ArrayBufferWriter<byte>((int)Math.Min(Math.Max(request.ContentLength ?? 4096, 1), Math.Min(maxBytes + 1, 1 << 20)));
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (body.WrittenCount + buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }
            foreach (var segment in buffer) body.Write(segment.Span);
            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted) return body.WrittenSpan.ToArray();
            if (result.IsCanceled) throw new OperationCanceledException(cut);
        }
    }

    /// <summary>
    /// A body of known length, read straight into the array the event keeps: a large body is allocated once, not
    /// once to collect it and again to trim it (both large-object-heap arrays, the second making the first garbage).
    /// </summary>
    private static async Task<byte[]> ReadDeclaredAsync(PipeReader reader, int length, CancellationToken cancellationToken, CancellationToken cut)
    {
        var body = new byte[length];
        var written = 0;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            // Kestrel ends the body at Content-Length, so it never holds more than the array takes.
            foreach (var segment in result.Buffer)
            {
                var take = Math.Min(segment.Length, length - written);
                segment.Span[..take].CopyTo(body.AsSpan(written));
                written += take;
            }
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return written == length ? body : body[..written];
            if (result.IsCanceled) throw new OperationCanceledException(cut);
        }
    }
}

using System.Net;

namespace Rx.Mediation.Server.Specs.Support;

/// <summary>A body of unknown length, so HttpClient sends it chunked, without Content-Length.</summary>
public sealed class ChunkedContent(byte[] data) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < data.Length; offset += 1000)
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(1000, data.Length - offset)));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}

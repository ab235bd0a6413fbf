using System.Net.Sockets;
using System.Text;

namespace Rx.Mediation.Server.Specs.Support;

/// <summary>
/// A client on a bare TCP connection, for what HttpClient will not do: send a request's head and then its body as
/// slowly as a test wants, and read whatever answer comes back.
/// </summary>
public sealed class RawHttpClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawHttpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawHttpClient> ConnectAsync(Uri server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        return new RawHttpClient(tcp);
    }

    /// <summary>Sends a POST head declaring <paramref name="contentLength"/> bytes, and no body yet.</summary>
    public Task SendPostHeadAsync(string pathAndQuery, long contentLength, string contentType = "text/plain") =>
        SendAsync(Encoding.ASCII.GetBytes($"POST {pathAndQuery} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nContent-Length: {contentLength}\r\n\r\n"));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>
    /// Sends <paramref name="chunk"/> every <paramref name="every"/> until cancelled or the server closes the
    /// connection; this is the client being slow, not the spec waiting for something.
    /// </summary>
    public async Task TrickleAsync(byte[] chunk, TimeSpan every, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _stream.WriteAsync(chunk, cancellationToken);
                await Task.Delay(every, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The server cut the connection, or the spec is done.
        }
    }

    /// <summary>The answer's status line and headers, read until the blank line (or the end of the connection).</summary>
    public async Task<string> ReadHeadAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, cancel.Token);
            }
            catch (IOException)
            {
                break;
            }
            if (read == 0) break;
            head.Append((char)buffer[0]);
        }
        return head.ToString();
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}

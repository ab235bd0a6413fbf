using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Rx.Mediation.Testing;

/// <summary>
/// An SSE client over HttpClient streaming, parsing the wire format as the HTML spec's EventSource does
/// (field lines, <c>data</c> lines joined by LF, blank line dispatches, <c>:</c> comments). It also keeps the raw text.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly Channel<SseMessage> _messages = Channel.CreateUnbounded<SseMessage>();
    private readonly StringBuilder _raw = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    private SseClient(HttpClient http, HttpResponseMessage response, bool read)
    {
        _http = http;
        _response = response;
        _pump = read ? PumpAsync() : Task.CompletedTask;
    }

    public HttpResponseMessage Response => _response;

    public string Raw
    {
        get { lock (_raw) return _raw.ToString(); }
    }

    /// <summary>Completes when the server ended the stream.</summary>
    public Task Ended => _pump;

    /// <param name="read">False for a client that connects and then never reads (a stalled browser tab).</param>
    /// <param name="receiveBuffer">A small socket receive buffer makes a stalled client fill up quickly.</param>
    public static async Task<SseClient> ConnectAsync(Uri uri, string? lastEventId = null, bool read = true, int? receiveBuffer = null, string? clientId = null)
    {
        var handler = new SocketsHttpHandler();
        if (receiveBuffer is { } size)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = size };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        if (clientId is not null) request.Headers.Add("X-Client-Id", clientId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseClient(http, response, read);
    }

    public async Task<SseMessage> NextAsync(TimeSpan? timeout = null, bool includeComments = false)
    {
        using var cts = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(cts.Token);
                if (includeComments || !message.IsComment) return message;
            }
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException("timed out waiting for an SSE event; received so far:\n" + Raw);
        }
        catch (ChannelClosedException)
        {
            throw new ShouldAssertException("the SSE stream ended; received:\n" + Raw);
        }
    }

    public async Task<List<SseMessage>> NextAsync(int count, TimeSpan? timeout = null)
    {
        var list = new List<SseMessage>();
        while (list.Count < count) list.Add(await NextAsync(timeout));
        return list;
    }

    /// <summary>Data events as they come, until the server ends the stream or <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<SseMessage> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var message in _messages.Reader.ReadAllAsync(cancellationToken))
        {
            if (!message.IsComment) yield return message;
        }
    }

    /// <summary>Every data event until the server ends the stream.</summary>
    public async Task<List<SseMessage>> ReadToEndAsync(TimeSpan? timeout = null)
    {
        await _pump.WaitAsync(timeout ?? Eventually.DefaultTimeout);
        var list = new List<SseMessage>();
        while (_messages.Reader.TryRead(out var message)) if (!message.IsComment) list.Add(message);
        return list;
    }

    private async Task PumpAsync()
    {
        try
        {
            using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? id = null, type = null;
            var data = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                lock (_raw) _raw.Append(line).Append('\n');
                if (line.Length == 0)
                {
                    if (data.Count > 0) _messages.Writer.TryWrite(new SseMessage(id, type, string.Join("\n", data)));
                    type = null;
                    data.Clear();
                    continue;
                }
                if (line[0] == ':')
                {
                    _messages.Writer.TryWrite(new SseMessage(null, null, "", line[1..].TrimStart()));
                    continue;
                }
                var colon = line.IndexOf(':');
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..];
                if (value.StartsWith(' ')) value = value[1..];
                switch (field)
                {
                    case "id": id = value; break;
                    case "event": type = value; break;
                    case "data": data.Add(value); break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _response.Dispose();
        _http.Dispose();
        try
        {
            await _pump;
        }
        catch (Exception)
        {
        }
    }
}

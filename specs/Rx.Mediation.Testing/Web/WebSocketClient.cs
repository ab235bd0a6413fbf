using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Rx.Mediation.Testing;

/// <summary>ClientWebSocket with whole-message receive and bounded waits.</summary>
public sealed class WebSocketClient : IAsyncDisposable
{
    private WebSocketClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    /// <param name="configure">More options, e.g. the certificates a wss:// client trusts or presents.</param>
    public static async Task<WebSocketClient> ConnectAsync(Uri uri, string? clientId = null, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        if (clientId is not null) socket.Options.SetRequestHeader("X-Client-Id", clientId);
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new WebSocketClient(socket);
    }

    /// <summary>The next whole message; a Close message comes back with type Close and empty data.</summary>
    public async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await Socket.ReceiveAsync(buffer, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new ShouldAssertException("timed out waiting for a WebSocket message");
            }
            if (result.MessageType == WebSocketMessageType.Close) return (WebSocketMessageType.Close, []);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, message.ToArray());
        }
    }

    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var (type, data) = await ReceiveAsync(timeout);
        type.ShouldBe(WebSocketMessageType.Text);
        return Encoding.UTF8.GetString(data);
    }

    public async Task<JsonElement> ReceiveJsonAsync(TimeSpan? timeout = null)
    {
        var text = await ReceiveTextAsync(timeout);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] data) =>
        Socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    public async Task CloseAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        if (Socket.State == WebSocketState.Open) await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
    }

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

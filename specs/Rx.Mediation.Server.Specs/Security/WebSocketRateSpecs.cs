using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Rx.Mediation.Hosting.Entrypoints.WebSockets;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>With a rate set, a WebSocket connection that sends faster gets the rejected notice for what it sent too fast, and nothing of it is published.</summary>
public sealed class WebSocketRateSpecs
{
    [Fact]
    public async Task Messages_past_the_connections_rate_are_answered_rejected_counted_and_not_published()
    {
        var recorder = new RecordingNode("recorder");
        await using var server = await RunningServer.StartAsync(["--Mediation:Security:WebSocketMessagesPerSecond=5"], b =>
        {
            b.Nodes.Add(recorder);
            b.Routes = [new RouteDefinition { Name = "in", Sources = [new SourceBinding("ws")], Targets = [recorder.Name] }];
        });
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(server.WebSocketUri("/ws?topic=t"), timeout.Token);
        await ReceiveJsonAsync(socket, timeout.Token); // welcome

        // The burst is twice the rate: 10 go through at once, the rest of 30 sent back to back cannot all.
        for (var i = 0; i < 30; i++)
            await socket.SendAsync(Encoding.UTF8.GetBytes($"m{i}"), WebSocketMessageType.Text, true, timeout.Token);

        var rejected = 0;
        while (rejected + recorder.Received.Count < 30)
        {
            using var notice = await ReceiveJsonAsync(socket, timeout.Token, until: () => rejected + recorder.Received.Count >= 30);
            if (notice is null) break;
            notice.RootElement.GetProperty("type").GetString().ShouldBe("rejected");
            notice.RootElement.GetProperty("reason").GetString()!.ShouldContain("WebSocketMessagesPerSecond");
            notice.RootElement.GetProperty("retryAfterMs").GetInt32().ShouldBeGreaterThan(0);
            rejected++;
        }

        rejected.ShouldBeGreaterThanOrEqualTo(30 - 10 - 5, "at most the burst and a second's worth got through");
        await Eventually.TrueAsync(() => recorder.Received.Count == 30 - rejected, "every message not rejected was published, and none that was");
        server.Entrypoint<WebSocketEntrypoint>().RateLimited.ShouldBe(rejected);
    }

    /// <summary>The next JSON message, or null once <paramref name="until"/> holds while none is waiting.</summary>
    private static async Task<JsonDocument?> ReceiveJsonAsync(ClientWebSocket socket, CancellationToken cancellationToken, Func<bool>? until = null)
    {
        var buffer = new byte[8192];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = socket.ReceiveAsync(buffer, wait.Token);
        while (until is not null && !receiving.IsCompleted)
        {
            if (until())
            {
                await wait.CancelAsync();
                return null;
            }
            await Task.WhenAny(receiving, Task.Delay(20, cancellationToken));
        }
        var result = await receiving;
        return JsonDocument.Parse(buffer.AsMemory(0, result.Count));
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Rx.Mediation.Soak;

/// <summary>Clients that publish: POSTs (with an oversized body now and then) and WebSockets in envelope mode.</summary>
internal static class Publishers
{
    /// <summary>The payload every publisher sends: the soak's key and the send time, as JSON.</summary>
    public static string Payload(string key) => $$"""{"k":"{{key}}","t":{{Stopwatch.GetTimestamp()}}}""";

    /// <summary>Waits until the <paramref name="n"/>th event of a publisher paced at <paramref name="perSecond"/> is due.</summary>
    public static Task PaceAsync(Stopwatch clock, long n, double perSecond, CancellationToken stop)
    {
        var due = TimeSpan.FromSeconds(n / perSecond) - clock.Elapsed;
        return due > TimeSpan.FromMilliseconds(1) ? Task.Delay(due, stop) : Task.CompletedTask;
    }

    public static async Task PostAsync(HttpClient http, int client, SoakOptions options, double perSecond, Ledger ledger, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var oversized = new string('x', 1024 * 1024 + 1024);
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                await PaceAsync(clock, n, perSecond, stop);
                if (options.OversizedEvery > 0 && n % options.OversizedEvery == options.OversizedEvery - 1)
                {
                    using var big = await http.PostAsync($"/events?topic=soak/big/p{client}", new StringContent(oversized, Encoding.UTF8, "text/plain"), CancellationToken.None);
                    ledger.OversizedAnswered(refused: big.StatusCode == HttpStatusCode.RequestEntityTooLarge);
                    continue;
                }
                var key = $"p{client}-{n}";
                var topic = $"soak/p{client}/{n / Math.Max(1, options.TopicChurn)}";
                ledger.Publishing();
                // Not cancelled at the end: a request in flight is answered, so the ledger knows whether it was accepted.
                using var response = await http.PostAsync($"/events?topic={topic}", new StringContent(Payload(key), Encoding.UTF8, "application/json"), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Accepted) ledger.Accept(key);
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable) ledger.Refuse();
                else ledger.RequestFailed();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                ledger.RequestFailed();
            }
        }
    }

    public static async Task WebSocketAsync(Uri baseUri, int client, double perSecond, Ledger ledger, CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        // Subscribed to a topic nothing publishes: what comes back is control messages, rejected notices among them.
        await socket.ConnectAsync(new Uri($"ws://{baseUri.Authority}/ws?topic=soak-silent&envelope=true"), CancellationToken.None);
        var reading = ReadRejectionsAsync(socket, ledger);
        var clock = Stopwatch.StartNew();
        try
        {
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                await PaceAsync(clock, n, perSecond, stop);
                var key = $"w{client}-{n}";
                // One topic per message, so a rejected notice (which names the topic) names the key.
                var envelope = $$"""{"topic":"soak/w{{client}}/{{n}}","payload":{{Payload(key)}}}""";
                ledger.Publishing();
                ledger.Accept(key);
                await socket.SendAsync(Encoding.UTF8.GetBytes(envelope), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (WebSocketException)
        {
            ledger.RequestFailed();
        }
        // Rejections of the last messages may still be on their way.
        await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(2)));
        if (socket.State == WebSocketState.Open) await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    private static async Task ReadRejectionsAsync(ClientWebSocket socket, Ledger ledger)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var message = await Subscribers.ReceiveMessageAsync(socket, buffer);
                if (message is null) return;
                using var json = JsonDocument.Parse(message);
                if (json.RootElement.TryGetProperty("type", out var type) && type.GetString() is "rejected" or "error"
                    && json.RootElement.TryGetProperty("topic", out var topic) && topic.GetString() is { } name && name.Split('/') is [_, var who, var n])
                {
                    ledger.Refuse($"{who}-{n}");
                }
            }
        }
        catch (WebSocketException)
        {
        }
    }
}

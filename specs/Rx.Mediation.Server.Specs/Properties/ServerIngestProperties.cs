using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using CsCheck;
using Rx.Mediation.Hosting.Entrypoints.Http;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Properties;

/// <summary>
/// The same generators against the running server: whatever a client sends, it gets a clear refusal or its event is
/// taken, the server never answers 5xx, and every page, frame and stream other clients read stays well-formed.
/// </summary>
public sealed class ServerIngestProperties
{
    private static readonly Gen<string?> ContentType = Gen.OneOf<string?>(
        "application/json", "application/json; charset=utf-8", "application/vnd.orders+json", "text/plain", "text/plain; charset=utf-8",
        "application/octet-stream", "garbage;;;", null);

    [Fact]
    public async Task Any_post_is_taken_or_refused_and_what_was_taken_stays_readable_for_every_client()
    {
        await using var server = await RunningServer.StartAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=%23&envelope=true"));
        await ws.ReceiveJsonAsync(); // welcome
        var taken = 0;

        await Gen.Select(IngestGen.HttpTopic, ContentType, IngestGen.Payload, IngestGen.HttpHeader).SampleAsync(async (topic, contentType, payload, header) =>
        {
            var content = new ByteArrayContent(payload);
            if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/events?topic={Uri.EscapeDataString(topic)}") { Content = content };
            request.Headers.TryAddWithoutValidation(HttpPostEntrypoint.CustomHeaderPrefix + header.Name, header.Value);
            using var response = await server.Http.SendAsync(request);

            ((int)response.StatusCode).ShouldBeOneOf([202, 400], $"topic '{topic}', content type '{contentType}'");
            using var answer = StrictJson.Parse(await response.Content.ReadAsByteArrayAsync());
            if (response.StatusCode == HttpStatusCode.Accepted) Interlocked.Increment(ref taken);
            else answer.RootElement.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
        }, iter: 300, threads: 1);

        // Every event taken reached the envelope client, each frame readable, the connection still open.
        var marker = await server.PostAcceptedAsync("marker", "end");
        var frames = 0;
        while (true)
        {
            var (type, data) = await ws.ReceiveAsync();
            type.ShouldBe(WebSocketMessageType.Text);
            using var frame = StrictJson.Parse(data);
            if (frame.RootElement.GetProperty("id").GetString() == marker) break;
            frames++;
        }
        frames.ShouldBe(taken);
        ws.Socket.State.ShouldBe(WebSocketState.Open);

        var log = server.Entrypoint<Rx.Mediation.Hosting.Entrypoints.Polling.PollEntrypoint>().Log;
        await Eventually.TrueAsync(() => log.LastSequence >= taken + 1, "the poll entrypoint has every event");
        using var page = StrictJson.Parse(await server.Http.GetByteArrayAsync("/poll?topic=%23&timeout=0&limit=1000"));
        page.RootElement.GetProperty("items").GetArrayLength().ShouldBe(taken + 1);
        page.RootElement.GetProperty("nextCursor").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Any_poll_query_is_answered_with_a_page_or_a_refusal_both_readable()
    {
        await using var server = await RunningServer.StartAsync();
        await server.PostAcceptedAsync("events", "{\"n\":1}");
        var number = Gen.Frequency((2, Gen.Int[-5, 2000].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, IngestGen.Text(8)));
        var timeout = Gen.OneOf("0", "", "-1", "0.0", "NaN", "1e3", "Infinity", "0,5", " 0");

        await Gen.Select(IngestGen.HttpTopic, number, timeout, IngestGen.Text(30)).SampleAsync(async (topic, limit, wait, cursor) =>
        {
            var query = $"/poll?topic={Escape(topic)}&limit={Escape(limit)}&timeout={Escape(wait)}&cursor={Escape(cursor)}";
            using var response = await server.Http.GetAsync(query);
            ((int)response.StatusCode).ShouldBeOneOf([200, 400], query);
            using var body = StrictJson.Parse(await response.Content.ReadAsByteArrayAsync());
            if (response.StatusCode == HttpStatusCode.OK) body.RootElement.GetProperty("nextCursor").GetString().ShouldNotBeNullOrEmpty();
        }, iter: 300, threads: 1);
    }

    [Fact]
    public async Task Any_last_event_id_opens_a_stream_or_is_refused_never_a_server_error()
    {
        await using var server = await RunningServer.StartAsync();
        await server.PostAcceptedAsync("events", "e");

        await Gen.Select(IngestGen.Text(40), Gen.Char[' ', '~'].Array[0, 40], IngestGen.HttpTopic).SampleAsync(async (queryId, headerId, topic) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/sse?topic={Escape(topic)}&lastEventId={Escape(queryId)}");
            request.Headers.TryAddWithoutValidation("Last-Event-ID", new string(headerId).Trim());
            using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            ((int)response.StatusCode).ShouldBeOneOf([200, 400], $"topic '{topic}'");
            if (response.StatusCode == HttpStatusCode.OK) response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
            else StrictJson.Parse(await response.Content.ReadAsByteArrayAsync()).Dispose();
        }, iter: 200, threads: 1);
    }

    [Fact]
    public async Task Any_websocket_envelope_gets_an_event_or_a_notice_and_the_connection_stays_open()
    {
        await using var server = await RunningServer.StartAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=%23&envelope=true"));
        await ws.ReceiveJsonAsync(); // welcome

        await IngestGen.Envelope.SampleAsync(async envelope =>
        {
            await ws.SendTextAsync(envelope);
            // Exactly one answer per message: the event itself (every topic matches '#') or an error notice.
            var (type, data) = await ws.ReceiveAsync();
            type.ShouldBe(WebSocketMessageType.Text, envelope);
            using var answer = StrictJson.Parse(data);
            answer.RootElement.GetProperty("type").GetString().ShouldBeOneOf(["event", "error"], envelope);
        }, iter: 300, threads: 1);

        ws.Socket.State.ShouldBe(WebSocketState.Open);
    }

    private static string Escape(string text) => Uri.EscapeDataString(text);
}

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using System.Text.Json;
using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Entrypoints.Http;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs;

public sealed class HttpPostSpecs
{
    [Fact]
    public async Task A_body_over_the_limit_is_answered_413_with_or_without_content_length()
    {
        await using var server = await RunningServer.StartAsync(b => b.Options.Http.MaxBodyBytes = 1024);

        using (var exact = await server.Http.PostAsync("/events", new ByteArrayContent(new byte[1024])))
            exact.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        using (var declared = await server.Http.PostAsync("/events", new ByteArrayContent(new byte[4096])))
        {
            declared.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
            (await declared.Content.ReadAsStringAsync()).ShouldContain("1024");
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new ChunkedContent(new byte[4096]) };
        request.Headers.TransferEncodingChunked = true;
        using var chunked = await server.Http.SendAsync(request);
        chunked.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);

        var small = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new ChunkedContent(new byte[500]) };
        small.Headers.TransferEncodingChunked = true;
        using var fits = await server.Http.SendAsync(small);
        fits.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_topic_no_route_takes_is_answered_404_naming_topic_and_entrypoint()
    {
        var orders = new RecordingNode("orders");
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(orders);
            b.Routes = [new RouteDefinition { Name = "orders", Sources = [new SourceBinding("http", TopicPattern.Parse("orders/#"))], Targets = ["orders"] }];
        });

        (await server.PostAsync("orders/42", "x")).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        using var response = await server.PostAsync("invoices", "x");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("error").GetString().ShouldBe("no-route");
        var message = json.RootElement.GetProperty("message").GetString()!;
        message.ShouldContain("'invoices'");
        message.ShouldContain("'http'");
        await Eventually.TrueAsync(() => orders.Count == 1, "the accepted order reached its target");
    }

    [Fact]
    public async Task A_full_drop_new_bridge_is_answered_503_with_retry_after()
    {
        var blocked = new RecordingNode("blocked", blocked: true);
        await using var server = await RunningServer.StartWithSlowRouteAsync(blocked, new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.DropNew, RetryAfter = TimeSpan.FromSeconds(3) });
        try
        {
            HttpResponseMessage? rejected = null;
            for (var i = 0; i < 20 && rejected is null; i++)
            {
                var response = await server.PostAsync("events", "e" + i);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable) rejected = response;
                else response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            }
            rejected.ShouldNotBeNull("a one-slot bridge in front of a blocked target never refused");
            rejected.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(3));
            (await rejected.Content.ReadAsStringAsync()).ShouldContain("slow");
            server.Engine.FindRoute("slow")!.Counters.Dropped[DropReason.DropNew].ShouldBeGreaterThan(0);
        }
        finally
        {
            blocked.Release();
        }
    }

    [Fact]
    public async Task Topic_headers_and_client_id_come_from_the_request()
    {
        var sink = new RecordingNode("sink");
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(sink);
            b.Routes = [new RouteDefinition { Name = "all", Sources = [new SourceBinding("http")], Targets = ["sink"] }];
        });

        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent("{\"a\":1}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(HttpPostEntrypoint.TopicHeader, "from/header");
        request.Headers.Add("X-Client-Id", "alice");
        request.Headers.Add("X-Header-Trace", "t-1");
        (await server.Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await server.Http.PostAsync("/events", new StringContent("plain"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        await Eventually.TrueAsync(() => sink.Count == 2, "both events reached the sink");
        var first = sink.Received[0];
        first.Topic.ShouldBe("from/header");
        first.ClientId.ShouldBe("alice");
        first.Header("content-type").ShouldBe("application/json; charset=utf-8");
        first.Header("trace").ShouldBe("t-1");
        sink.Received[1].Topic.ShouldBe("events");
        sink.Received[1].ClientId.ShouldBeNull();
    }

    [Theory]
    [InlineData("a/%23")]
    [InlineData("a/%2B/b")]
    public async Task A_wildcard_topic_is_answered_400(string topic)
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.PostAsync($"/events?topic={topic}", new StringContent("x"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("bad-topic");
    }

    [Fact]
    public async Task Posts_are_answered_503_once_the_server_is_stopping()
    {
        await using var server = await RunningServer.StartAsync();
        server.Entrypoint<HttpPostEntrypoint>().Refuse();
        using var response = await server.PostAsync("events", "late");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("a%00b", "control-character")]
    [InlineData("orders%0D%0Aevent:%20forged", "control-character")]
    [InlineData("%24SYS/x", "reserved")]
    [InlineData("a/%23", "wildcard")]
    public async Task A_topic_breaking_a_rule_is_answered_400_naming_the_rule(string topic, string rule)
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.PostAsync($"/events?topic={topic}", new StringContent("x"));
        await response.ShouldRefuseTopicAsync(rule);
    }

    [Fact]
    public async Task A_topic_longer_than_the_limit_in_utf8_bytes_is_answered_400()
    {
        await using var server = await RunningServer.StartAsync(b => b.Options.Http.MaxTopicBytes = 16);
        (await server.PostAsync(new string('é', 8), "x")).StatusCode.ShouldBe(HttpStatusCode.Accepted); // 16 bytes
        using var response = await server.PostAsync(new string('é', 9), "x");
        await response.ShouldRefuseTopicAsync("too-long");
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/vnd.orders+json; charset=utf-8")]
    public async Task A_body_declared_json_that_holds_invalid_utf8_is_answered_400_naming_the_byte_offset(string contentType)
    {
        await using var server = await RunningServer.StartAsync();
        var content = new ByteArrayContent([.. "{\"s\":\""u8, 0xC3, 0x28, .. "\"}"u8]);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await server.Http.PostAsync("/events", content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("error").GetString().ShouldBe("bad-json");
        json.RootElement.GetProperty("details").GetProperty("offset").GetInt64().ShouldBe(6);
        json.RootElement.GetProperty("message").GetString()!.ShouldContain("byte 6");
    }

    [Fact]
    public async Task A_body_declared_json_with_a_syntax_error_is_answered_400_naming_where()
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.PostAsync("events", "{\"a\":1,\n  oops}", "application/json");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("details").GetProperty("offset").GetInt64().ShouldBe(10);
    }

    [Theory]
    [InlineData("sender-client-id")]
    [InlineData("Content-Type")]
    [InlineData("resume-id")]
    [InlineData("kafka-offset")]
    [InlineData("amqp-routing-key")]
    public async Task A_header_the_server_sets_cannot_be_set_through_x_header(string name)
    {
        var sink = new RecordingNode("sink");
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(sink);
            b.Routes = [new RouteDefinition { Name = "all", Sources = [new SourceBinding("http")], Targets = ["sink"] }];
        });
        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent("x") };
        request.Headers.Add(HttpPostEntrypoint.CustomHeaderPrefix + name, "forged");
        using var response = await server.Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("bad-header");
        body.ShouldContain($"'{name.ToLowerInvariant()}' is reserved");
        sink.Count.ShouldBe(0);
    }

    [Theory]
    [InlineData("bad%0Did")]
    [InlineData("caf%C3%A9")]
    public async Task A_client_id_that_cannot_be_echoed_in_a_header_is_answered_400(string clientId)
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.PostAsync($"/events?clientId={clientId}", new StringContent("x"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("bad-client-id");
    }

    [Fact]
    public async Task Text_that_is_not_utf8_is_accepted_and_polled_as_base64_in_a_page_every_client_can_read()
    {
        await using var server = await RunningServer.StartAsync();
        byte[] latin1 = [(byte)'c', (byte)'a', (byte)'f', 0xE9];
        var content = new ByteArrayContent(latin1);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");
        (await server.Http.PostAsync("/events", content)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var after = await server.PostAcceptedAsync("events", "next");

        var log = server.Entrypoint<Rx.Mediation.Hosting.Entrypoints.Polling.PollEntrypoint>().Log;
        await Eventually.TrueAsync(() => log.LastSequence >= 2, "both events reached the poll entrypoint");
        using var page = StrictJson.Parse(await server.Http.GetByteArrayAsync("/poll?topic=events&timeout=0"));
        var items = page.RootElement.GetProperty("items").EnumerateArray().ToList();
        items[0].GetProperty("encoding").GetString().ShouldBe("base64");
        items[0].GetProperty("payload").GetBytesFromBase64().ShouldBe(latin1);
        items[1].GetProperty("id").GetString().ShouldBe(after);
        page.RootElement.GetProperty("nextCursor").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_body_arriving_too_slowly_is_answered_408_and_logged_as_a_warning_without_a_stack_trace()
    {
        var log = new CapturedLog();
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Web.Logging.AddProvider(log);
            // A grace period just over Kestrel's shortest, so the spec does not wait the default 5 s.
            b.Web.WebHost.ConfigureKestrel(k => k.Limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(1.5)));
        });
        await using var client = await RawHttpClient.ConnectAsync(server.BaseAddress);
        await client.SendPostHeadAsync("/events?topic=events", contentLength: 1000);
        await client.SendAsync("a few bytes, then nothing"u8.ToArray());

        (await client.ReadHeadAsync(Eventually.DefaultTimeout)).ShouldStartWith("HTTP/1.1 408");

        await Eventually.TrueAsync(() => log.Lines(LogLevel.Warning).Any(l => l.Contains("Client fault at entrypoint http")), "the fault was logged");
        log.Entries.Where(e => e.Level >= LogLevel.Error).ShouldBeEmpty();
        log.Lines(LogLevel.Warning).ShouldAllBe(l => !l.Contains("   at "));
    }
}

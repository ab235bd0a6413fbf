using System.Buffers;
using System.Net.WebSockets;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Hosting.Entrypoints.WebSockets;

/// <summary>
/// One WebSocket client: a receive loop (frames → events) and a send loop (its outbox → frames). A WebSocket allows
/// one send at a time, so every send — events, control messages, the close frame — goes through one lock.
/// <para>Who ends it: the client (close frame: we stop sending and answer), the server at shutdown (the outbox is
/// completed, queued events are sent, then 1001), the slow-client policy (1013 with the reason), a message over
/// the size limit (1009), or reloaded rights that no longer cover its subscription (1008 with the reason, nothing more
/// sent).</para>
/// </summary>
internal sealed class WebSocketSession(
    WebSocketEntrypoint entrypoint, WebSocket socket, ConnectedClient client, string publishTopic, bool envelope,
    System.Threading.RateLimiting.TokenBucketRateLimiter? messageRate = null, Security.Identity.Caller? caller = null,
    Microsoft.AspNetCore.Http.HttpContext? context = null, bool holdBackAuth = false)
{
    private readonly Security.Identity.Caller _caller = caller ?? Security.Identity.Caller.Everyone;
    // Worked out once per version of the rights: plain messages go to the publish topic with the same stamped headers.
    private long _publishCheckedAt = long.MinValue; // the receive loop's alone
    private bool _mayPublishDefault; // the receive loop's alone
    private readonly EventHeaders _textHeaders = (caller ?? Security.Identity.Caller.Everyone).Stamp(TextHeaders);
    private readonly EventHeaders _binaryHeaders = (caller ?? Security.Identity.Caller.Everyone).Stamp(BinaryHeaders);

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _receiveEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _clientClosing;
    private volatile string? _closedBecause;
    private CancellationToken _receiveToken;
    private bool _inFlight; // the receive loop's alone
    private bool _firstMessage = holdBackAuth; // the receive loop's alone

    public async Task RunAsync(CancellationToken requestAborted)
    {
        var outbox = client.Outbox;
        var sessions = entrypoint.Sessions;
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, outbox.Closed, sessions.Aborting);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, sessions.Aborting);
        string reason;
        Task sendLoop = Task.CompletedTask;
        try
        {
            await SendAsync(WebSocketMessages.Welcome(client.Id, client.Topics, publishTopic, envelope), WebSocketMessageType.Text, sending.Token);
            entrypoint.Publish(Event.Connect(entrypoint.Name, client.Id, publishTopic)
                .WithHeader("topics", string.Join(",", client.Topics.Select(t => t.Text))));
            sendLoop = SendLoopAsync(sending.Token);
            reason = await ReceiveLoopAsync(receiving.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            reason = _closedBecause ?? outbox.CloseReason ?? (sessions.Aborting.IsCancellationRequested ? "server stopping" : "connection lost");
        }
        _receiveEnded.TrySetResult();

        // The client is leaving (or gone): stop sending it events, then answer its close frame.
        _clientClosing = true;
        outbox.Close();
        try
        {
            await sendLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
        if (socket.State == WebSocketState.CloseReceived) await CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
        if (socket.State != WebSocketState.Closed) socket.Abort();
        entrypoint.Publish(Event.Disconnect(entrypoint.Name, client.Id, publishTopic, reason));
    }

    private async Task<string> ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        _receiveToken = cancellationToken;
        var max = entrypoint.Options.MaxMessageBytes;
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>(4096);
        // Cancelling a receive aborts the socket; the runtime's WebSocket does that by registering on the token in every
        // ReceiveAsync (a registration, with its execution context, per message). One registration for the session does
        // the same, and each receive gets no token.
        using var abort = cancellationToken.UnsafeRegister(static s => ((WebSocket)s!).Abort(), socket);
        // In flight for shutdown (WhenIdleAsync) from the first message handled until the loop waits for the network
        // again: one mark per burst of messages rather than two shared interlocked writes per message, which the
        // sessions of one entrypoint, on different cores, would pass between them.
        try
        {
            while (true)
            {
                var receiving = socket.ReceiveAsync(chunk.AsMemory(), CancellationToken.None);
                if (!receiving.IsCompleted) LeaveInFlight();
                var result = await receiving;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return _closedBecause ?? $"client closed ({(int?)socket.CloseStatus ?? 1005}{(string.IsNullOrEmpty(socket.CloseStatusDescription) ? "" : " " + socket.CloseStatusDescription)})";
                }
                if (_closedBecause is not null) continue; // closing: discard until the client's close frame
                if ((long)message.WrittenCount + result.Count > max)
                {
                    _closedBecause = $"message too big: over {max} bytes";
                    await CloseAsync(WebSocketCloseStatus.MessageTooBig, $"message exceeds {max} bytes");
                    message.Clear();
                    continue;
                }
                byte[] data;
                if (message.WrittenCount == 0 && result.EndOfMessage)
                {
                    // The usual case, a message in one frame: one copy out of the receive buffer, the event's own.
                    data = chunk.AsSpan(0, result.Count).ToArray();
                }
                else
                {
                    message.Write(chunk.AsSpan(0, result.Count));
                    if (!result.EndOfMessage) continue;
                    data = message.WrittenSpan.ToArray();
                    message.ResetWrittenCount();
                }
                // Await only when the routes did not answer at once (back-pressure) or a notice has to be sent.
                var handled = TryHandleInbound(data, result.MessageType);
                if (!handled.IsCompletedSuccessfully) await handled;
            }
        }
        finally
        {
            LeaveInFlight();
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private void EnterInFlight()
    {
        if (_inFlight) return;
        entrypoint.EnterInboundMessage();
        _inFlight = true;
    }

    private void LeaveInFlight()
    {
        if (!_inFlight) return;
        _inFlight = false;
        entrypoint.LeaveInboundMessage();
    }

    private static readonly EventHeaders TextHeaders = EventHeaders.Empty.With("content-type", "text/plain; charset=utf-8");
    private static readonly EventHeaders BinaryHeaders = EventHeaders.Empty.With("content-type", "application/octet-stream");

    /// <summary>
    /// Offers one inbound message to the routes. Completes synchronously (no state machine, no task) when the routes
    /// take it at once, the common case; the asynchronous rest is <see cref="HandleInboundAsync"/>.
    /// </summary>
    private ValueTask TryHandleInbound(byte[] data, WebSocketMessageType type)
    {
        // A stopping entrypoint answers with a refusal and counts nothing in flight, so a client that keeps sending
        // cannot hold shutdown up.
        if (entrypoint.IsRefusing)
        {
            LeaveInFlight();
            return HandleInboundAsync(data, type, _receiveToken);
        }
        if (_firstMessage)
        {
            _firstMessage = false;
            if (type == WebSocketMessageType.Text && AuthMessage.TryRead(data, out _))
                return new ValueTask(SendAsync(WebSocketMessages.Error("this socket brought its credential with its upgrade: the auth message was not published"),
                    WebSocketMessageType.Text, _receiveToken));
        }
        if (messageRate is not null && !TakeMessageToken()) return RefuseOverRateAsync(data, type, _receiveToken);
        EnterInFlight();
        if ((envelope && type == WebSocketMessageType.Text) || !MayPublishDefault()) return HandleInboundAsync(data, type, _receiveToken);
        // Immutable headers shared by every message of a type: only the event itself is allocated.
        var value = Event.Create(entrypoint.Name, publishTopic, data, type == WebSocketMessageType.Text ? _textHeaders : _binaryHeaders, client.Id);
        var pending = entrypoint.OfferInboundAsync(value, _receiveToken);
        if (!pending.IsCompletedSuccessfully) return AnswerWhenAdmittedAsync(pending, value);
        var admission = pending.Result;
        return admission.Status is AdmissionStatus.Rejected or AdmissionStatus.NoRoute ? new ValueTask(AnswerAsync(admission, value, _receiveToken)) : default;
    }

    /// <summary>Whether the caller may publish on the connection's publish topic under the rights in force now.</summary>
    private bool MayPublishDefault()
    {
        var generation = _caller.RightsGeneration;
        if (generation != _publishCheckedAt)
        {
            _mayPublishDefault = _caller.MayPublish(publishTopic, client.Id);
            _publishCheckedAt = generation;
        }
        return _mayPublishDefault;
    }

    private bool TakeMessageToken()
    {
        messageRate!.TryReplenish();
        using var lease = messageRate.AttemptAcquire();
        return lease.IsAcquired;
    }

    /// <summary>A message over the connection's rate: not offered to the routes, answered with the documented notice, counted.</summary>
    private async ValueTask RefuseOverRateAsync(byte[] data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        LeaveInFlight();
        entrypoint.CountRateLimited();
        var value = Event.Create(entrypoint.Name, publishTopic, data, type == WebSocketMessageType.Text ? TextHeaders : BinaryHeaders, client.Id);
        await SendAsync(WebSocketMessages.Rejected(value, "rejected",
            "this connection sends faster than Mediation:Security:WebSocketMessagesPerSecond allows; not taken",
            TimeSpan.FromSeconds(1)), WebSocketMessageType.Text, cancellationToken);
    }

    private async ValueTask AnswerWhenAdmittedAsync(ValueTask<Admission> pending, Event value) =>
        await AnswerAsync(await pending, value, _receiveToken);

    private async ValueTask HandleInboundAsync(byte[] data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        var topic = publishTopic;
        ReadOnlyMemory<byte> payload = data;
        var headers = type == WebSocketMessageType.Text ? _textHeaders : _binaryHeaders;
        if (envelope && type == WebSocketMessageType.Text)
        {
            if (!InboundEnvelope.TryParse(data, out var parsed, out var error))
            {
                await SendAsync(WebSocketMessages.Error(error), WebSocketMessageType.Text, cancellationToken);
                return;
            }
            if (parsed.Topic is not null && !entrypoint.TopicRules.IsPublishable(parsed.Topic, out var refusal))
            {
                await SendAsync(WebSocketMessages.Error(refusal.Message, refusal.RuleName), WebSocketMessageType.Text, cancellationToken);
                return;
            }
            topic = parsed.Topic ?? publishTopic;
            payload = parsed.Payload;
            headers = _caller.Stamp(parsed.Headers);
        }
        if (!_caller.MayPublish(topic, client.Id))
        {
            if (context is not null) entrypoint.CountForbidden(context, _caller, "publish", topic);
            var refused = Event.Create(entrypoint.Name, topic, payload, headers, client.Id);
            await SendAsync(WebSocketMessages.Rejected(refused, "forbidden", $"'{_caller.Display}' may not publish '{topic}' at entrypoint '{entrypoint.Name}'", null),
                WebSocketMessageType.Text, cancellationToken);
            return;
        }

        var value = Event.Create(entrypoint.Name, topic, payload, headers, client.Id);
        if (entrypoint.IsRefusing)
        {
            await SendAsync(WebSocketMessages.Rejected(value, "rejected", "the server is stopping", TimeSpan.FromSeconds(5)), WebSocketMessageType.Text, cancellationToken);
            return;
        }
        await AnswerAsync(await entrypoint.OfferInboundAsync(value, cancellationToken), value, cancellationToken);
    }

    /// <summary>Tells the client when the routes refused its message or no route takes it.</summary>
    private Task AnswerAsync(Admission admission, Event value, CancellationToken cancellationToken)
    {
        var notice = admission.Status switch
        {
            AdmissionStatus.Rejected => WebSocketMessages.Rejected(value, "rejected", admission.Reason ?? "the routes refused the message", admission.RetryAfter),
            AdmissionStatus.NoRoute => WebSocketMessages.Rejected(value, "no-route", $"no route takes topic '{value.Topic}' from entrypoint '{entrypoint.Name}'", null),
            _ => null,
        };
        return notice is null ? Task.CompletedTask : SendAsync(notice, WebSocketMessageType.Text, cancellationToken);
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var outbox = client.Outbox;
        try
        {
            while (await outbox.WaitToReadAsync(cancellationToken))
            {
                while (!_clientClosing && client.RevokedBecause is null && outbox.TryRead(out var value))
                {
                    await SendEventAsync(value, cancellationToken);
                    Operations.Metrics.ClientDelivery.Written(entrypoint, value);
                }
                if (_clientClosing) return;
                if (client.RevokedBecause is not null) break;
            }
            if (client.RevokedBecause is { } revoked)
            {
                await CloseRevokedAsync(revoked);
                return;
            }
            // The outbox was completed with its queue sent: the server is stopping, or the entrypoint is going away.
            if (!_clientClosing)
            {
                _closedBecause ??= entrypoint.ClosingReason;
                await CloseAwaitingPeerAsync(WebSocketCloseStatus.EndpointUnavailable, entrypoint.ClosingReason);
            }
        }
        catch (OperationCanceledException) when (client.RevokedBecause is { } revoked)
        {
            await CloseRevokedAsync(revoked);
        }
        catch (OperationCanceledException) when (outbox.Closed.IsCancellationRequested && outbox.CloseReason is not null)
        {
            _closedBecause ??= "slow client: " + outbox.CloseReason;
            await CloseAsync((WebSocketCloseStatus)WebSocketEntrypoint.SlowClientCloseStatus, outbox.CloseReason);
        }
    }

    /// <summary>The rights no longer cover the subscription: closed with 1008 and the reason, as a refused subscribe is.</summary>
    private Task CloseRevokedAsync(string reason)
    {
        _closedBecause ??= reason;
        return CloseAwaitingPeerAsync(WebSocketCloseStatus.PolicyViolation, reason);
    }

    /// <summary>Sends the close frame; a peer that never answers it must not hold the session (or shutdown's grace period).</summary>
    private async Task CloseAwaitingPeerAsync(WebSocketCloseStatus status, string reason)
    {
        await CloseAsync(status, reason);
        if (await Task.WhenAny(_receiveEnded.Task, Task.Delay(CloseTimeout, CancellationToken.None)) != _receiveEnded.Task) socket.Abort();
    }

    private Task SendEventAsync(Event value, CancellationToken cancellationToken)
    {
        if (envelope) return SendAsync(WebSocketMessages.Envelope(value), WebSocketMessageType.Text, cancellationToken);
        var type = PayloadJson.IsUtf8(value.Payload.Span) ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        return SendAsync(value.Payload, type, cancellationToken);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.SendAsync(data, type, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a close frame unless one was sent already; a peer that does not take it within a moment is cut off.</summary>
    private async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(status, WebSocketMessages.CloseReason(description), timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }
}

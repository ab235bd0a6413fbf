using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Rx.Mediation.Hosting.Security.Identity;

namespace Rx.Mediation.Hosting.Entrypoints.WebSockets;

/// <summary>
/// A WebSocket upgraded without a credential, while callers must have one: its first message must be an
/// <see cref="AuthMessage"/>, within <see cref="Security.SecurityOptions.WebSocketAuthTimeout"/>. A valid credential makes
/// the socket that principal's; none in time, another message, or a refused credential close it with 1008 (policy
/// violation) and the reason, counted and audited as a 401 is. The credential is never logged nor echoed.
/// </summary>
internal static class FirstMessageCredential
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The caller access when this upgrade is to wait for its credential; null when it is identified as any request is.</summary>
    public static CallerAccess? Awaited(HttpContext context)
    {
        if (context.RequestServices?.GetService(typeof(CallerAccess)) is not CallerAccess access) return null;
        var security = access.Security;
        // With anonymous callers let in, a socket without a credential is anonymous at once (it may not send anything).
        if (security.WebSocketAuthTimeout <= TimeSpan.Zero || security.AllowAnonymous) return null;
        return Credentials.From(context.Request, security) is null ? access : null;
    }

    /// <summary>The caller the first message proves, or null once the socket has been closed with the reason.</summary>
    public static async Task<Caller?> ReceiveAsync(WebSocketEntrypoint entrypoint, WebSocket socket, HttpContext context, CallerAccess access, CancellationToken cancellationToken)
    {
        var timeout = access.Security.WebSocketAuthTimeout;
        var buffer = new byte[AuthMessage.MaxBytes];
        var count = 0;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(timeout, waiting.Token);
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                    return await RefuseAsync(entrypoint, socket, context, "bad-credential", $"the auth message is larger than {AuthMessage.MaxBytes} bytes", null);
                // Cancelling a receive would abort the socket, and the client would not be told why: the wait is raced instead.
                var receiving = socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).AsTask();
                if (await Task.WhenAny(receiving, deadline) == deadline)
                {
                    return cancellationToken.IsCancellationRequested
                        ? await CloseAsync(socket, WebSocketCloseStatus.EndpointUnavailable, entrypoint.ClosingReason, receiving)
                        : await RefuseAsync(entrypoint, socket, context, "no-credential", $"no auth message {AuthMessage.Shape} within {timeout.TotalSeconds:0.###} s", receiving);
                }
                var result = await receiving;
                if (result.MessageType == WebSocketMessageType.Close) return await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "bye", null);
                count += result.Count;
                if (result.MessageType != WebSocketMessageType.Text)
                    return await RefuseAsync(entrypoint, socket, context, "no-credential", $"the first message must be the auth message {AuthMessage.Shape}", null);
                if (result.EndOfMessage) break;
            }
        }
        finally
        {
            waiting.Cancel();
        }
        if (!AuthMessage.TryRead(buffer.AsSpan(0, count), out var token))
            return await RefuseAsync(entrypoint, socket, context, "no-credential", $"the first message must be the auth message {AuthMessage.Shape}", null);
        var authenticated = await CredentialCheck.AuthenticateAsync(context.RequestServices, token);
        if (!authenticated.Succeeded) return await RefuseAsync(entrypoint, socket, context, "bad-credential", "the credential was refused", null);
        return access.Authenticated(authenticated.Principal!);
    }

    /// <summary>Closes a socket the server turns away after its upgrade (1008 and the reason); returns null.</summary>
    public static Task<Caller?> RefuseAsync(WebSocket socket, string reason) =>
        CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, reason, null);

    private static Task<Caller?> RefuseAsync(WebSocketEntrypoint entrypoint, WebSocket socket, HttpContext context, string audit, string reason, Task<ValueWebSocketReceiveResult>? receiving)
    {
        entrypoint.CountUnauthenticated(context, audit);
        return CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, reason, receiving);
    }

    /// <summary>Sends the close frame and waits a moment for the client's, so it reads the reason; then the socket is let go.</summary>
    private static async Task<Caller?> CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason, Task<ValueWebSocketReceiveResult>? receiving)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, WebSocketMessages.CloseReason(reason), timeout.Token);
            var scratch = new byte[1024];
            while (socket.State == WebSocketState.CloseSent)
            {
                var next = receiving ?? socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None).AsTask();
                receiving = null;
                if ((await next.WaitAsync(timeout.Token)).MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
        if (socket.State != WebSocketState.Closed) socket.Abort();
        return null;
    }
}

using System.Net.Sockets;
using RabbitMQ.Client.Exceptions;

namespace Rx.Mediation.RabbitMq;

/// <summary>Turns the client library's nested exceptions into one line an operator can act on, without secrets.</summary>
public static class RabbitMqErrors
{
    public static string Describe(Exception error)
    {
        var parts = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            // Wrappers whose own text says nothing ("None of the specified endpoints were reachable", "One or more errors occurred").
            if (e is BrokerUnreachableException or AggregateException && e.InnerException is not null) continue;
            var text = e switch
            {
                SocketException socket => socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    _ => socket.Message,
                },
                AuthenticationFailureException auth => "authentication failed: " + auth.Message,
                _ => e.Message,
            };
            if (!string.IsNullOrWhiteSpace(text) && !parts.Any(p => p.Contains(text, StringComparison.Ordinal))) parts.Add(text.Trim().TrimEnd('.'));
        }
        return RabbitMqAddress.MaskText(string.Join(": ", parts));
    }
}

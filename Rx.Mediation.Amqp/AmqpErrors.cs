using System.Net.Sockets;
using System.Security.Authentication;
using Amqp;
using Amqp.Framing;

namespace Rx.Mediation.Amqp;

/// <summary>AMQP errors, outcomes and connection failures as the one-line reasons health details and logs show.</summary>
internal static class AmqpErrors
{
    /// <summary>e.g. <c>amqp:not-found: NOT_FOUND - no queue 'x' in vhost '/'</c>; null for no error.</summary>
    public static string? Describe(Error? error) =>
        error is null ? null : string.IsNullOrEmpty(error.Description) ? (string)error.Condition : $"{(string)error.Condition}: {error.Description}";

    /// <summary>Why a connection attempt failed; <paramref name="tls"/> supplies the reason a broker's certificate was refused.</summary>
    public static string Describe(Exception exception, Connectors.Tls.BrokerTls? tls) => exception switch
    {
        AmqpException amqp => Describe(amqp.Error) ?? amqp.Message,
        AuthenticationException handshake => tls?.Describe(handshake) is { } refused && refused.StartsWith("TLS to", StringComparison.Ordinal)
            ? refused
            : $"TLS handshake failed: {Innermost(handshake)}",
        SocketException socket => socket.Message,
        TimeoutException or OperationCanceledException => "timed out",
        _ when exception.InnerException is not null => Describe(exception.InnerException, tls),
        _ => exception.Message,
    };

    /// <summary>The name of a non-accepted outcome, with the broker's error for REJECTED.</summary>
    public static string Describe(Outcome? outcome) => outcome switch
    {
        Rejected rejected => "REJECTED" + (Describe(rejected.Error) is { } error ? $" ({error})" : ""),
        Released => "RELEASED",
        Modified => "MODIFIED",
        null => "no outcome",
        _ => outcome.Descriptor.Name,
    };

    private static string Innermost(Exception exception) =>
        exception.InnerException is null ? exception.Message : Innermost(exception.InnerException);
}

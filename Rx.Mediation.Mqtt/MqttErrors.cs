using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;

namespace Rx.Mediation.Mqtt;

/// <summary>Turns MQTTnet's failures and MQTT 5 reason codes into short sentences an operator can act on.</summary>
internal static partial class MqttErrors
{
    /// <summary>Why a connection attempt or a publish failed, e.g. "connection refused" or "TLS handshake failed: …".</summary>
    public static string Describe(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host name lookup failed",
                        SocketError.TimedOut => "connection timed out",
                        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "no route to host",
                        SocketError.ConnectionReset => "connection reset",
                        _ => socket.Message.ToLowerInvariant(),
                    };
                case AuthenticationException tls:
                    return $"TLS handshake failed: {tls.Message}";
                case OperationCanceledException or TimeoutException:
                    return "connection timed out";
            }
        }
        return exception.Message;
    }

    /// <summary>An MQTT 5 reason code (an MQTTnet enum value such as BadUserNameOrPassword) in words: "bad user name or password".</summary>
    public static string Reason<TCode>(TCode code) where TCode : struct, Enum =>
        Enum.IsDefined(code) ? Words().Replace(code.ToString(), " $1").Trim().ToLowerInvariant() : $"reason code {Convert.ToInt32(code, System.Globalization.CultureInfo.InvariantCulture)}";

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex Words();
}

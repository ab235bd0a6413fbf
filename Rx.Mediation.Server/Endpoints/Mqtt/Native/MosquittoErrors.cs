using System.Runtime.InteropServices;

namespace Rx.Mediation.Server.Endpoints.Mqtt.Native;

/// <summary>Turns libmosquitto return codes and MQTT 5 reason codes into messages an operator can act on.</summary>
public static class MosquittoErrors
{
    public const int Success = 0;
    public const int NoMemory = 1;
    public const int Protocol = 2;
    public const int Invalid = 3;
    public const int NoConnection = 4;
    public const int ConnectionRefused = 5;
    public const int ConnectionLost = 7;
    public const int PayloadSize = 9;
    public const int Errno = 14;
    public const int Lookup = 15;
    public const int MalformedUtf8 = 18;
    public const int OversizePacket = 25;

    /// <summary>A libmosquitto return code (with errno for MOSQ_ERR_ERRNO) as a short sentence.</summary>
    public static string Describe(int code, int errno = 0) => code switch
    {
        Success => "success",
        NoMemory => "out of memory in libmosquitto",
        Protocol => "MQTT protocol error",
        Invalid => "invalid arguments (topic, payload or property)",
        NoConnection => "not connected to the broker",
        ConnectionRefused => "connection refused by the broker",
        ConnectionLost => "connection lost",
        PayloadSize => "payload too large for MQTT (more than 268,435,455 bytes)",
        Errno => ErrnoText(errno),
        Lookup => "host name lookup failed",
        MalformedUtf8 => "topic or property is not valid UTF-8",
        OversizePacket => "message larger than the broker's maximum packet size",
        _ => Native(code),
    };

    /// <summary>An MQTT 5 reason code (CONNACK, PUBACK, DISCONNECT…) as the library names it, e.g. "Not authorized".</summary>
    public static string Reason(int reasonCode)
    {
        try
        {
            return Marshal.PtrToStringUTF8(MosquittoNative.mosquitto_reason_string(reasonCode)) ?? $"reason code {reasonCode}";
        }
        catch (DllNotFoundException)
        {
            return $"reason code {reasonCode}";
        }
    }

    private static string ErrnoText(int errno) => errno switch
    {
        111 => "connection refused",
        113 => "no route to host",
        110 => "connection timed out",
        104 => "connection reset",
        0 => "system error",
        _ => new System.ComponentModel.Win32Exception(errno).Message.ToLowerInvariant(),
    };

    private static string Native(int code)
    {
        try
        {
            return Marshal.PtrToStringUTF8(MosquittoNative.mosquitto_strerror(code)) ?? $"libmosquitto error {code}";
        }
        catch (DllNotFoundException)
        {
            return $"libmosquitto error {code}";
        }
    }
}

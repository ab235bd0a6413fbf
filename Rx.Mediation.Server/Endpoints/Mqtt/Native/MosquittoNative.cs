using System.Runtime.InteropServices;

namespace Rx.Mediation.Server.Endpoints.Mqtt.Native;

/// <summary>
/// The libmosquitto 2.0 calls the MQTT endpoint uses (Debian's libmosquitto1, <c>libmosquitto.so.1</c>), declared
/// one for one; <see cref="MosquittoClient"/> is the only caller. Strings cross as UTF-8, handles as IntPtr.
/// </summary>
internal static class MosquittoNative
{
    public const string Library = "libmosquitto.so.1";

    public const int OptProtocolVersion = 1;
    public const int OptReceiveMaximum = 4;
    public const int OptSendMaximum = 5;
    public const int OptTcpNoDelay = 11;
    public const int ProtocolV5 = 5;

    public const int PropMessageExpiry = 2;
    public const int PropContentType = 3;
    public const int PropResponseTopic = 8;
    public const int PropCorrelationData = 9;
    public const int PropSessionExpiry = 17;
    public const int PropReasonString = 31;
    public const int PropUserProperty = 38;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void ConnectV5Callback(IntPtr mosq, IntPtr obj, int reasonCode, int flags, IntPtr properties);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void DisconnectV5Callback(IntPtr mosq, IntPtr obj, int reasonCode, IntPtr properties);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void PublishV5Callback(IntPtr mosq, IntPtr obj, int mid, int reasonCode, IntPtr properties);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void MessageV5Callback(IntPtr mosq, IntPtr obj, IntPtr message, IntPtr properties);

    /// <summary><c>struct mosquitto_message</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public int Mid;
        public IntPtr Topic;
        public IntPtr Payload;
        public int PayloadLength;
        public int Qos;
        [MarshalAs(UnmanagedType.I1)] public bool Retain;
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_lib_init();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr mosquitto_new([MarshalAs(UnmanagedType.LPUTF8Str)] string? id, [MarshalAs(UnmanagedType.I1)] bool cleanSession, IntPtr obj);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void mosquitto_destroy(IntPtr mosq);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_int_option(IntPtr mosq, int option, int value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_username_pw_set(IntPtr mosq, [MarshalAs(UnmanagedType.LPUTF8Str)] string? username, [MarshalAs(UnmanagedType.LPUTF8Str)] string? password);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_reconnect_delay_set(IntPtr mosq, uint delay, uint delayMax, [MarshalAs(UnmanagedType.I1)] bool exponential);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, SetLastError = true)]
    public static extern int mosquitto_connect_bind_v5(IntPtr mosq, [MarshalAs(UnmanagedType.LPUTF8Str)] string host, int port, int keepalive, IntPtr bindAddress, IntPtr properties);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_disconnect_v5(IntPtr mosq, int reasonCode, IntPtr properties);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_loop_start(IntPtr mosq);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_loop_stop(IntPtr mosq, [MarshalAs(UnmanagedType.I1)] bool force);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_socket(IntPtr mosq);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_subscribe_v5(IntPtr mosq, out int mid, [MarshalAs(UnmanagedType.LPUTF8Str)] string sub, int qos, int options, IntPtr properties);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_publish_v5(IntPtr mosq, out int mid, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int payloadLength, byte[] payload, int qos, [MarshalAs(UnmanagedType.I1)] bool retain, IntPtr properties);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void mosquitto_connect_v5_callback_set(IntPtr mosq, ConnectV5Callback callback);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void mosquitto_disconnect_v5_callback_set(IntPtr mosq, DisconnectV5Callback callback);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void mosquitto_publish_v5_callback_set(IntPtr mosq, PublishV5Callback callback);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void mosquitto_message_v5_callback_set(IntPtr mosq, MessageV5Callback callback);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr mosquitto_strerror(int code);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr mosquitto_reason_string(int reasonCode);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_property_add_string_pair(ref IntPtr properties, int identifier, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_property_add_string(ref IntPtr properties, int identifier, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_property_add_binary(ref IntPtr properties, int identifier, byte[] value, ushort length);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_property_add_int32(ref IntPtr properties, int identifier, uint value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void mosquitto_property_free_all(ref IntPtr properties);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mosquitto_property_identifier(IntPtr property);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr mosquitto_property_next(IntPtr property);

    // The read functions search from the given property; with skipFirst=false and the exact property they return it.
    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr mosquitto_property_read_string_pair(IntPtr properties, int identifier, out IntPtr name, out IntPtr value, [MarshalAs(UnmanagedType.I1)] bool skipFirst);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr mosquitto_property_read_string(IntPtr properties, int identifier, out IntPtr value, [MarshalAs(UnmanagedType.I1)] bool skipFirst);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr mosquitto_property_read_binary(IntPtr properties, int identifier, out IntPtr value, out ushort length, [MarshalAs(UnmanagedType.I1)] bool skipFirst);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr mosquitto_property_read_int32(IntPtr properties, int identifier, out uint value, [MarshalAs(UnmanagedType.I1)] bool skipFirst);

    /// <summary>libc's shutdown(2): drops a connection at once, without letting libmosquitto flush queued acknowledgements.</summary>
    [DllImport("libc", EntryPoint = "shutdown", CallingConvention = CallingConvention.Cdecl)]
    public static extern int shutdown(int socket, int how);

    // Strings and buffers the read functions return are malloc'd by libmosquitto; on Unix FreeHGlobal is free(3).
    public static void Free(IntPtr pointer)
    {
        if (pointer != IntPtr.Zero) Marshal.FreeHGlobal(pointer);
    }
}

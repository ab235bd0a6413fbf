using System.Runtime.InteropServices;

namespace Rx.Mediation.Server.Endpoints.Amqp.Native;

/// <summary><c>pn_bytes_t</c> / <c>pn_delivery_tag_t</c>: a size and a pointer, passed by value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct PnBytes(nuint size, IntPtr start)
{
    public readonly nuint Size = size;
    public readonly IntPtr Start = start;

    public byte[] ToArray()
    {
        if (Start == IntPtr.Zero || Size == 0) return [];
        var bytes = new byte[(int)Size];
        Marshal.Copy(Start, bytes, 0, bytes.Length);
        return bytes;
    }

    public string ToUtf8() => Start == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(Start, (int)Size);
}

/// <summary>
/// The few Qpid Proton C functions the AMQP 1.0 endpoint uses (Debian's libqpid-proton11, 0.37): the proactor from
/// libqpid-proton-proactor.so.1, the engine and codec from libqpid-proton-core.so.10. Every pointer is a raw IntPtr
/// owned by Proton; only the endpoint's event-loop thread touches engine objects (Proton is not thread-safe), except
/// the calls the proactor documents as thread-safe (<c>pn_connection_wake</c>, <c>pn_proactor_interrupt</c>).
/// </summary>
internal static class ProtonNative
{
    private const string Core = "libqpid-proton-core.so.10";
    private const string Proactor = "libqpid-proton-proactor.so.1";

    // Proactor
    [DllImport(Proactor)] public static extern IntPtr pn_proactor();
    [DllImport(Proactor)] public static extern void pn_proactor_free(IntPtr proactor);
    [DllImport(Proactor)] public static extern void pn_proactor_connect2(IntPtr proactor, IntPtr connection, IntPtr transport, string address);
    [DllImport(Proactor)] public static extern IntPtr pn_proactor_wait(IntPtr proactor);
    [DllImport(Proactor)] public static extern IntPtr pn_event_batch_next(IntPtr batch);
    [DllImport(Proactor)] public static extern void pn_proactor_done(IntPtr proactor, IntPtr batch);
    [DllImport(Proactor)] public static extern void pn_proactor_interrupt(IntPtr proactor);
    [DllImport(Proactor)] public static extern void pn_proactor_set_timeout(IntPtr proactor, uint millis);
    [DllImport(Proactor)] public static extern void pn_connection_wake(IntPtr connection);

    // Events
    [DllImport(Core)] public static extern int pn_event_type(IntPtr evt);
    [DllImport(Core)] public static extern IntPtr pn_event_connection(IntPtr evt);
    [DllImport(Core)] public static extern IntPtr pn_event_link(IntPtr evt);
    [DllImport(Core)] public static extern IntPtr pn_event_delivery(IntPtr evt);
    [DllImport(Core)] public static extern IntPtr pn_event_transport(IntPtr evt);

    // Connection, transport, SASL, conditions
    [DllImport(Core)] public static extern IntPtr pn_connection();
    [DllImport(Core)] public static extern void pn_connection_set_container(IntPtr connection, string container);
    [DllImport(Core)] public static extern void pn_connection_set_hostname(IntPtr connection, string hostname);
    [DllImport(Core)] public static extern void pn_connection_set_user(IntPtr connection, string user);
    [DllImport(Core)] public static extern void pn_connection_set_password(IntPtr connection, string password);
    [DllImport(Core)] public static extern void pn_connection_open(IntPtr connection);
    [DllImport(Core)] public static extern void pn_connection_close(IntPtr connection);
    [DllImport(Core)] public static extern IntPtr pn_connection_remote_condition(IntPtr connection);
    [DllImport(Core)] public static extern IntPtr pn_transport();
    [DllImport(Core)] public static extern IntPtr pn_transport_condition(IntPtr transport);
    [DllImport(Core)] public static extern IntPtr pn_sasl(IntPtr transport);
    [DllImport(Core)] public static extern void pn_sasl_set_allow_insecure_mechs(IntPtr sasl, [MarshalAs(UnmanagedType.U1)] bool insecure);
    [DllImport(Core)] public static extern void pn_sasl_allowed_mechs(IntPtr sasl, string mechanisms);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_condition_is_set(IntPtr condition);
    [DllImport(Core)] public static extern IntPtr pn_condition_get_name(IntPtr condition);
    [DllImport(Core)] public static extern IntPtr pn_condition_get_description(IntPtr condition);

    // Sessions and links
    [DllImport(Core)] public static extern IntPtr pn_session(IntPtr connection);
    [DllImport(Core)] public static extern void pn_session_open(IntPtr session);
    [DllImport(Core)] public static extern void pn_session_close(IntPtr session);
    [DllImport(Core)] public static extern IntPtr pn_session_remote_condition(IntPtr session);
    [DllImport(Core)] public static extern IntPtr pn_event_session(IntPtr evt);
    [DllImport(Core)] public static extern IntPtr pn_link_session(IntPtr link);
    [DllImport(Core)] public static extern IntPtr pn_sender(IntPtr session, string name);
    [DllImport(Core)] public static extern IntPtr pn_receiver(IntPtr session, string name);
    [DllImport(Core)] public static extern IntPtr pn_link_source(IntPtr link);
    [DllImport(Core)] public static extern IntPtr pn_link_target(IntPtr link);
    [DllImport(Core)] public static extern int pn_terminus_set_address(IntPtr terminus, string address);
    [DllImport(Core)] public static extern int pn_terminus_set_durability(IntPtr terminus, int durability);
    [DllImport(Core)] public static extern void pn_link_open(IntPtr link);
    [DllImport(Core)] public static extern void pn_link_close(IntPtr link);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_link_is_sender(IntPtr link);
    [DllImport(Core)] public static extern int pn_link_credit(IntPtr link);
    [DllImport(Core)] public static extern void pn_link_flow(IntPtr link, int credit);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_link_advance(IntPtr link);
    [DllImport(Core)] public static extern nint pn_link_send(IntPtr link, byte[] bytes, nuint count);
    [DllImport(Core)] public static extern nint pn_link_recv(IntPtr link, [In, Out] byte[] bytes, nuint count);
    [DllImport(Core)] public static extern IntPtr pn_link_remote_condition(IntPtr link);

    // Deliveries
    [DllImport(Core)] public static extern IntPtr pn_delivery(IntPtr link, PnBytes tag);
    [DllImport(Core)] public static extern IntPtr pn_delivery_link(IntPtr delivery);
    [DllImport(Core)] public static extern ulong pn_delivery_remote_state(IntPtr delivery);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_delivery_updated(IntPtr delivery);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_delivery_readable(IntPtr delivery);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_delivery_partial(IntPtr delivery);
    [DllImport(Core)] public static extern nuint pn_delivery_pending(IntPtr delivery);
    [DllImport(Core)] public static extern void pn_delivery_update(IntPtr delivery, ulong state);
    [DllImport(Core)] public static extern void pn_delivery_settle(IntPtr delivery);

    // Messages
    [DllImport(Core)] public static extern IntPtr pn_message();
    [DllImport(Core)] public static extern void pn_message_free(IntPtr message);
    [DllImport(Core)] public static extern void pn_message_clear(IntPtr message);
    [DllImport(Core)] public static extern int pn_message_encode(IntPtr message, [In, Out] byte[] bytes, ref nuint size);
    [DllImport(Core)] public static extern int pn_message_decode(IntPtr message, byte[] bytes, nuint size);
    [DllImport(Core)] public static extern IntPtr pn_message_error(IntPtr message);
    [DllImport(Core)] public static extern IntPtr pn_error_text(IntPtr error);
    [DllImport(Core)] public static extern IntPtr pn_code(int code);
    [DllImport(Core)] public static extern IntPtr pn_message_body(IntPtr message);
    [DllImport(Core)] public static extern IntPtr pn_message_id(IntPtr message);
    [DllImport(Core)] public static extern IntPtr pn_message_correlation_id(IntPtr message);
    [DllImport(Core)] public static extern IntPtr pn_message_properties(IntPtr message);
    [DllImport(Core)] public static extern int pn_message_set_inferred(IntPtr message, [MarshalAs(UnmanagedType.U1)] bool inferred);
    [DllImport(Core)] public static extern int pn_message_set_subject(IntPtr message, string? subject);
    [DllImport(Core)] public static extern IntPtr pn_message_get_subject(IntPtr message);
    [DllImport(Core)] public static extern int pn_message_set_content_type(IntPtr message, string? contentType);
    [DllImport(Core)] public static extern IntPtr pn_message_get_content_type(IntPtr message);
    [DllImport(Core)] public static extern int pn_message_set_reply_to(IntPtr message, string? replyTo);
    [DllImport(Core)] public static extern IntPtr pn_message_get_reply_to(IntPtr message);
    [DllImport(Core)] public static extern int pn_message_set_address(IntPtr message, string? address);
    [DllImport(Core)] public static extern IntPtr pn_message_get_address(IntPtr message);
    [DllImport(Core)] public static extern int pn_message_set_durable(IntPtr message, [MarshalAs(UnmanagedType.U1)] bool durable);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_message_is_durable(IntPtr message);
    [DllImport(Core)] public static extern int pn_message_set_priority(IntPtr message, byte priority);
    [DllImport(Core)] public static extern byte pn_message_get_priority(IntPtr message);
    [DllImport(Core)] public static extern int pn_message_set_creation_time(IntPtr message, long time);
    [DllImport(Core)] public static extern long pn_message_get_creation_time(IntPtr message);

    // Data (AMQP typed values)
    [DllImport(Core)] public static extern void pn_data_clear(IntPtr data);
    [DllImport(Core)] public static extern void pn_data_rewind(IntPtr data);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_data_next(IntPtr data);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_data_enter(IntPtr data);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_data_exit(IntPtr data);
    [DllImport(Core)] public static extern int pn_data_type(IntPtr data);
    [DllImport(Core)] public static extern int pn_data_put_map(IntPtr data);
    [DllImport(Core)] public static extern nuint pn_data_get_map(IntPtr data);
    [DllImport(Core)] public static extern int pn_data_put_string(IntPtr data, PnBytes value);
    [DllImport(Core)] public static extern int pn_data_put_binary(IntPtr data, PnBytes value);
    [DllImport(Core)] public static extern PnBytes pn_data_get_string(IntPtr data);
    [DllImport(Core)] public static extern PnBytes pn_data_get_symbol(IntPtr data);
    [DllImport(Core)] public static extern PnBytes pn_data_get_binary(IntPtr data);
    [DllImport(Core)] [return: MarshalAs(UnmanagedType.U1)] public static extern bool pn_data_get_bool(IntPtr data);
    [DllImport(Core)] public static extern byte pn_data_get_ubyte(IntPtr data);
    [DllImport(Core)] public static extern sbyte pn_data_get_byte(IntPtr data);
    [DllImport(Core)] public static extern ushort pn_data_get_ushort(IntPtr data);
    [DllImport(Core)] public static extern short pn_data_get_short(IntPtr data);
    [DllImport(Core)] public static extern uint pn_data_get_uint(IntPtr data);
    [DllImport(Core)] public static extern int pn_data_get_int(IntPtr data);
    [DllImport(Core)] public static extern ulong pn_data_get_ulong(IntPtr data);
    [DllImport(Core)] public static extern long pn_data_get_long(IntPtr data);
    [DllImport(Core)] public static extern long pn_data_get_timestamp(IntPtr data);
    [DllImport(Core)] public static extern float pn_data_get_float(IntPtr data);
    [DllImport(Core)] public static extern double pn_data_get_double(IntPtr data);
    [DllImport(Core)] public static extern ProtonUuid pn_data_get_uuid(IntPtr data);

    public static string? Utf8(IntPtr text) => text == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(text);
}

/// <summary><c>pn_uuid_t</c>: 16 bytes, returned by value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProtonUuid
{
    public ulong High;
    public ulong Low;

    public readonly Guid ToGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, High);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], Low);
        return new Guid(bytes, bigEndian: true);
    }
}

namespace Rx.Mediation.Server.Endpoints.Amqp.Native;

/// <summary>
/// Enum values of Qpid Proton C, printed from the headers of libqpid-proton11-dev 0.37.0 by
/// Native/print-constants.c, never counted by hand: a different Proton version must be checked the same way.
/// </summary>
internal static class ProtonConstants
{
    // pn_event_type_t (proton/event.h)
    public const int PN_CONNECTION_INIT = 5;
    public const int PN_CONNECTION_REMOTE_OPEN = 9;
    public const int PN_CONNECTION_REMOTE_CLOSE = 11;
    public const int PN_SESSION_REMOTE_CLOSE = 17;
    public const int PN_LINK_REMOTE_OPEN = 21;
    public const int PN_LINK_REMOTE_CLOSE = 23;
    public const int PN_LINK_REMOTE_DETACH = 25;
    public const int PN_LINK_FLOW = 26;
    public const int PN_DELIVERY = 28;
    public const int PN_TRANSPORT_ERROR = 31;
    public const int PN_TRANSPORT_CLOSED = 34;
    public const int PN_CONNECTION_WAKE = 42;
    public const int PN_PROACTOR_INTERRUPT = 45;
    public const int PN_PROACTOR_TIMEOUT = 46;
    public const int PN_PROACTOR_INACTIVE = 47;

    // Delivery outcomes (proton/disposition.h)
    public const ulong PN_RECEIVED = 35;
    public const ulong PN_ACCEPTED = 36;
    public const ulong PN_REJECTED = 37;
    public const ulong PN_RELEASED = 38;
    public const ulong PN_MODIFIED = 39;

    // pn_durability_t (proton/terminus.h)
    public const int PN_NONDURABLE = 0;
    public const int PN_DELIVERIES = 2;

    // pn_type_t (proton/codec.h)
    public const int PN_NULL = 1;
    public const int PN_BOOL = 2;
    public const int PN_UBYTE = 3;
    public const int PN_BYTE = 4;
    public const int PN_USHORT = 5;
    public const int PN_SHORT = 6;
    public const int PN_UINT = 7;
    public const int PN_INT = 8;
    public const int PN_ULONG = 10;
    public const int PN_LONG = 11;
    public const int PN_TIMESTAMP = 12;
    public const int PN_FLOAT = 13;
    public const int PN_DOUBLE = 14;
    public const int PN_UUID = 18;
    public const int PN_BINARY = 19;
    public const int PN_STRING = 20;
    public const int PN_SYMBOL = 21;
    public const int PN_MAP = 25;

    // Error codes (proton/error.h)
    public const int PN_EOS = -1;
    public const int PN_OVERFLOW = -3;

    public static string OutcomeName(ulong state) => state switch
    {
        0 => "none",
        PN_RECEIVED => "RECEIVED",
        PN_ACCEPTED => "ACCEPTED",
        PN_REJECTED => "REJECTED",
        PN_RELEASED => "RELEASED",
        PN_MODIFIED => "MODIFIED",
        _ => $"state {state}",
    };
}

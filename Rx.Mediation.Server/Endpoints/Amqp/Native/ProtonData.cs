using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using static Rx.Mediation.Server.Endpoints.Amqp.Native.ProtonNative;
using static Rx.Mediation.Server.Endpoints.Amqp.Native.ProtonConstants;

namespace Rx.Mediation.Server.Endpoints.Amqp.Native;

/// <summary>Writing and reading <c>pn_data_t</c> values: strings and binaries in, AMQP scalars out as text.</summary>
internal static class ProtonData
{
    public static void PutString(IntPtr data, string value) => PutBytes(data, Encoding.UTF8.GetBytes(value), binary: false);

    public static void PutBinary(IntPtr data, ReadOnlyMemory<byte> value) => PutBytes(data, value.ToArray(), binary: true);

    // Proton copies the bytes into the pn_data_t, so they need pinning only for the call.
    private static void PutBytes(IntPtr data, byte[] bytes, bool binary)
    {
        var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        try
        {
            var value = new PnBytes((nuint)bytes.Length, handle.AddrOfPinnedObject());
            var code = binary ? pn_data_put_binary(data, value) : pn_data_put_string(data, value);
            if (code != 0) throw new InvalidOperationException($"pn_data_put failed: {ProtonErrors.CodeName(code)}");
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>The first value of <paramref name="data"/> as text (ids: string, ulong, uuid or binary), or null.</summary>
    public static string? ReadSingle(IntPtr data)
    {
        if (data == IntPtr.Zero) return null;
        pn_data_rewind(data);
        return pn_data_next(data) ? CurrentAsText(data) : null;
    }

    /// <summary>Application properties: a map of string keys to simple values, each turned into text.</summary>
    public static List<KeyValuePair<string, string>> ReadStringMap(IntPtr data)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (data == IntPtr.Zero) return pairs;
        pn_data_rewind(data);
        if (!pn_data_next(data) || pn_data_type(data) != PN_MAP) return pairs;
        var count = (int)pn_data_get_map(data);
        pn_data_enter(data);
        for (var i = 0; i + 1 < count; i += 2)
        {
            if (!pn_data_next(data)) break;
            var key = CurrentAsText(data);
            if (!pn_data_next(data)) break;
            var value = CurrentAsText(data);
            if (key is not null && value is not null) pairs.Add(new(key, value));
        }
        pn_data_exit(data);
        return pairs;
    }

    /// <summary>Writes string pairs as a map (application properties must be a map with string keys).</summary>
    public static void PutStringMap(IntPtr data, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        pn_data_clear(data);
        if (pairs.Count == 0) return;
        pn_data_put_map(data);
        pn_data_enter(data);
        foreach (var (key, value) in pairs)
        {
            PutString(data, key);
            PutString(data, value);
        }
        pn_data_exit(data);
    }

    /// <summary>The body as bytes: a data section or binary value as is, a string as UTF-8; null for other types.</summary>
    public static byte[]? ReadBody(IntPtr data)
    {
        pn_data_rewind(data);
        if (!pn_data_next(data)) return [];
        return pn_data_type(data) switch
        {
            PN_BINARY => pn_data_get_binary(data).ToArray(),
            PN_STRING => pn_data_get_string(data).ToArray(),
            PN_SYMBOL => pn_data_get_symbol(data).ToArray(),
            PN_NULL => [],
            _ => null,
        };
    }

    private static string? CurrentAsText(IntPtr data) => pn_data_type(data) switch
    {
        PN_STRING => pn_data_get_string(data).ToUtf8(),
        PN_SYMBOL => pn_data_get_symbol(data).ToUtf8(),
        PN_BINARY => Encoding.UTF8.GetString(pn_data_get_binary(data).ToArray()),
        PN_BOOL => pn_data_get_bool(data) ? "true" : "false",
        PN_UBYTE => pn_data_get_ubyte(data).ToString(CultureInfo.InvariantCulture),
        PN_BYTE => pn_data_get_byte(data).ToString(CultureInfo.InvariantCulture),
        PN_USHORT => pn_data_get_ushort(data).ToString(CultureInfo.InvariantCulture),
        PN_SHORT => pn_data_get_short(data).ToString(CultureInfo.InvariantCulture),
        PN_UINT => pn_data_get_uint(data).ToString(CultureInfo.InvariantCulture),
        PN_INT => pn_data_get_int(data).ToString(CultureInfo.InvariantCulture),
        PN_ULONG => pn_data_get_ulong(data).ToString(CultureInfo.InvariantCulture),
        PN_LONG => pn_data_get_long(data).ToString(CultureInfo.InvariantCulture),
        PN_TIMESTAMP => DateTimeOffset.FromUnixTimeMilliseconds(pn_data_get_timestamp(data)).ToString("O", CultureInfo.InvariantCulture),
        PN_FLOAT => pn_data_get_float(data).ToString("R", CultureInfo.InvariantCulture),
        PN_DOUBLE => pn_data_get_double(data).ToString("R", CultureInfo.InvariantCulture),
        PN_UUID => pn_data_get_uuid(data).ToGuid().ToString(),
        _ => null,
    };
}

using System.Text;

namespace Rx.Mediation.Kafka;

/// <summary>
/// Header values as UTF-8 bytes, remembered by their place among an event's headers. Events from one source usually
/// carry the same values (a WebSocket message's content type), so a message reuses the bytes of the last value seen
/// there instead of encoding and allocating them again. The bytes are only read: <c>Produce</c> copies them into
/// librdkafka, and a delivery report carries copies of its own.
/// <para>Thread-safe: each place holds one immutable entry, replaced whole.</para>
/// </summary>
public sealed class KafkaHeaderValues
{
    // An event with more headers than this encodes the rest each time.
    private const int Places = 8;

    private readonly Entry?[] _places = new Entry?[Places];

    public byte[] Encode(int place, string text)
    {
        if ((uint)place >= Places) return Encoding.UTF8.GetBytes(text);
        var last = Volatile.Read(ref _places[place]);
        // Equal content, not only the same instance: a value parsed anew per message (a JSON envelope's) is found too.
        if (last is not null && string.Equals(last.Text, text, StringComparison.Ordinal)) return last.Bytes;
        var bytes = Encoding.UTF8.GetBytes(text);
        Volatile.Write(ref _places[place], new Entry(text, bytes));
        return bytes;
    }

    private sealed record Entry(string Text, byte[] Bytes);
}

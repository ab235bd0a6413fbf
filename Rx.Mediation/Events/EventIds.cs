namespace Rx.Mediation.Events;

/// <summary>
/// Generates event ids: 16 hex digits that sort in creation order within a process
/// (seeded from the clock, so ids from a restarted server keep growing).
/// Ids are formatted only when first read, so an event nobody looks up by id costs no string.
/// </summary>
public static class EventIds
{
    private static long _last = DateTime.UtcNow.Ticks;

    public static long NextSequence() => Interlocked.Increment(ref _last);

    public static string Format(long sequence) => string.Create(16, sequence, static (chars, value) =>
    {
        for (var i = 15; i >= 0; i--, value >>= 4) chars[i] = (char)HexDigits[(int)(value & 0xF)];
    });

    /// <summary>The same 16 hex digits as <see cref="Format"/>, as UTF-8 bytes.</summary>
    public static byte[] FormatUtf8(long sequence)
    {
        var bytes = new byte[16];
        for (var i = 15; i >= 0; i--, sequence >>= 4) bytes[i] = HexDigits[(int)(sequence & 0xF)];
        return bytes;
    }

    // Written by hand: the "x16" format string sends every id through the runtime's general (slow) formatting path.
    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    public static string Next() => Format(NextSequence());
}

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

    public static string Format(long sequence) => sequence.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The same 16 hex digits as <see cref="Format"/>, as UTF-8 bytes.</summary>
    public static byte[] FormatUtf8(long sequence)
    {
        var bytes = new byte[16];
        sequence.TryFormat(bytes, out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        return bytes;
    }

    public static string Next() => Format(NextSequence());
}

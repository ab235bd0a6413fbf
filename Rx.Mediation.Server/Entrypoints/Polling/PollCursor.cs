using System.Globalization;

namespace Rx.Mediation.Server.Entrypoints.Polling;

/// <summary>
/// A position in a poll entrypoint's log, as <c>{epoch}-{sequence}</c> in hex. The epoch changes with every server
/// process, so a cursor from before a restart is recognised (and the client starts over from the oldest buffered
/// event) instead of silently skipping the new log's first events.
/// </summary>
public readonly record struct PollCursor(long Epoch, long Sequence)
{
    public override string ToString() =>
        Epoch.ToString("x", CultureInfo.InvariantCulture) + "-" + Sequence.ToString("x", CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out PollCursor cursor)
    {
        cursor = default;
        var dash = text.IndexOf('-');
        if (dash <= 0 || dash == text.Length - 1) return false;
        if (!long.TryParse(text.AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var epoch)) return false;
        if (!long.TryParse(text.AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sequence)) return false;
        if (epoch < 0 || sequence < 0) return false;
        cursor = new PollCursor(epoch, sequence);
        return true;
    }
}

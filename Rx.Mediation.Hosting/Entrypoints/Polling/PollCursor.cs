using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Rx.Mediation.Hosting.Entrypoints.Polling;

/// <summary>
/// A position in a poll entrypoint's log, as <c>{epoch}-{sequence}</c> in hex. The epoch changes with every server
/// process, so a cursor from before a restart is recognised (and the client starts over from the oldest buffered
/// event) instead of silently skipping the new log's first events.
/// <para>When the items came from a replayable source (Kafka), the cursor also carries the client's position there
/// (<see cref="Position"/>, the same text an SSE id would be), after a dot, base64url-encoded so it needs no escaping
/// in a URL: <c>{epoch}-{sequence}.{position}</c>. Another server instance resumes from the broker with it. Epoch 0
/// (never a process's) means "nothing local yet": the next poll goes on reading from the broker.</para>
/// </summary>
public readonly record struct PollCursor(long Epoch, long Sequence, string? Position = null)
{
    /// <summary>Longer cursors are refused unread.</summary>
    public const int MaxLength = 128 * 1024;

    public override string ToString()
    {
        var local = Epoch.ToString("x", CultureInfo.InvariantCulture) + "-" + Sequence.ToString("x", CultureInfo.InvariantCulture);
        return Position is null ? local : local + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Position));
    }

    public static bool TryParse(string text, out PollCursor cursor)
    {
        cursor = default;
        if (text.Length > MaxLength) return false;
        string? position = null;
        var dot = text.IndexOf('.');
        if (dot >= 0)
        {
            var encoded = text.AsSpan(dot + 1);
            if (encoded.IsEmpty || !Base64Url.IsValid(encoded)) return false;
            try
            {
                position = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(encoded));
            }
            catch (FormatException)
            {
                return false;
            }
            if (string.IsNullOrWhiteSpace(position)) return false;
            text = text[..dot];
        }
        var dash = text.IndexOf('-');
        if (dash <= 0 || dash == text.Length - 1) return false;
        if (!long.TryParse(text.AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var epoch)) return false;
        if (!long.TryParse(text.AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sequence)) return false;
        if (epoch < 0 || sequence < 0) return false;
        cursor = new PollCursor(epoch, sequence, position);
        return true;
    }
}

namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// What a <see cref="TopicLog"/> remembers of the topics it forgot, in fixed memory: per hash slot, the newest sequence a
/// forgotten topic there held, so a reader of one topic learns whether that topic lost events. Two topics sharing a
/// slot can only make a gap seem to be there, never hide one.
/// </summary>
internal sealed class ForgottenTopics
{
    private const int Slots = 4096;

    private readonly long[] _through = new long[Slots];

    /// <summary>The newest sequence any forgotten topic held (what a wildcard reader may have missed).</summary>
    public long Newest { get; private set; }

    public void Forgot(int slot, long through)
    {
        ref var slotThrough = ref _through[slot];
        slotThrough = Math.Max(slotThrough, through);
        Newest = Math.Max(Newest, through);
    }

    /// <summary>The newest sequence <paramref name="topic"/> may have held when it was forgotten (0: never forgotten).</summary>
    public long Through(in HashedText topic) => _through[Slot(topic)];

    // The name's hash as the log already holds it: forgetting a topic does not read its name again. That hash is
    // randomised per process, so which topics share a slot changes from run to run, as it should for crafted names.
    public static int Slot(in HashedText topic) => (int)((uint)topic.Hash % Slots);
}

using CsCheck;
using Rx.Mediation.Hosting.Buffers;

namespace Rx.Mediation.Server.Specs.Buffers;

/// <summary>
/// The topic log's open-addressing table against a plain dictionary, over any sequence of adds and removes of names
/// whose hashes are drawn from a handful of values: runs of colliding entries, runs that wrap past the table's end and
/// removals from their middle (the backward shift) are the common case here, not the rare one.
/// </summary>
public sealed class TopicTableProperties
{
    private const int Names = 48;

    private static readonly Gen<(bool Add, int Name)[]> Operations =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, Names - 1], (kind, name) => (kind < 6, name)).Array[1, 400];

    private static readonly Gen<int[]> Hashes = Gen.Frequency(
        (2, Gen.Int[-3, 3].Array[Names]),                    // everything collides
        (2, Gen.Int.Array[Names]),                           // as real hashes
        (1, Gen.Int[int.MaxValue - 2, int.MaxValue].Array[Names])); // homes at the table's end: runs wrap

    [Fact]
    public void Any_sequence_of_adds_and_removes_leaves_exactly_the_added_topics_findable() =>
        Gen.Select(Hashes, Operations).Sample((hashes, operations) =>
        {
            var names = Enumerable.Range(0, Names).Select(i => new HashedText($"topic/{i}", hashes[i])).ToArray();
            var table = new TopicTable();
            var model = new Dictionary<int, TopicHistory>();
            foreach (var (add, name) in operations)
            {
                if (add && !model.ContainsKey(name))
                {
                    var topic = new TopicHistory(names[name], cost: 0);
                    table.Add(topic);
                    model[name] = topic;
                }
                else if (!add && model.Remove(name, out var removed))
                {
                    table.Remove(removed);
                }
                table.Count.ShouldBe(model.Count);
            }
            for (var i = 0; i < Names; i++)
            {
                var found = table.TryGetValue(new HashedText($"topic/{i}", hashes[i]), out var topic);
                found.ShouldBe(model.ContainsKey(i), $"topic/{i}");
                if (found) topic.ShouldBeSameAs(model[i]);
            }
        }, iter: 2000);

    [Fact]
    public void A_name_with_the_hash_of_a_held_topic_but_other_text_is_not_found()
    {
        var table = new TopicTable();
        table.Add(new TopicHistory(new HashedText("a", 42), cost: 0));

        table.TryGetValue(new HashedText("b", 42), out _).ShouldBeFalse();
        table.TryGetValue(new HashedText("a", 42), out _).ShouldBeTrue();
    }
}

using System.Collections;
using Mrt = Microsoft.Reactive.Testing;

namespace Rx.Mediation.Marbles.ReactiveTesting;

/// <summary>
/// A live view of a TestScheduler observable's subscriptions as the kit's logs: an expectation registered before the
/// run reads the subscriptions made during it.
/// </summary>
internal sealed class SubscriptionLogView(IList<Mrt.Subscription> subscriptions) : IReadOnlyList<SubscriptionLog>
{
    public int Count => subscriptions.Count;

    public SubscriptionLog this[int index] => subscriptions[index].ToSubscriptionLog();

    public IEnumerator<SubscriptionLog> GetEnumerator() => subscriptions.Select(s => s.ToSubscriptionLog()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

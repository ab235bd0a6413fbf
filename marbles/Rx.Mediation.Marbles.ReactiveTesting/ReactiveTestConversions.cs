// Both libraries name a type Recorded<T>: the kit's is reached by name (enclosing namespace), Microsoft.Reactive.Testing's
// only through the Mrt alias, so no signature here can silently mean the other one.
using Mrt = Microsoft.Reactive.Testing;

namespace Rx.Mediation.Marbles.ReactiveTesting;

/// <summary>
/// Conversions between the marble kit's records (<see cref="Recorded{T}"/>, <see cref="SubscriptionLog"/>) and
/// Microsoft.Reactive.Testing's (<see cref="Mrt.Recorded{T}"/>, <see cref="Mrt.Subscription"/>). Times are the
/// same <see cref="TimeSpan"/> ticks on both sides and are copied unchanged.
/// </summary>
public static class ReactiveTestConversions
{
    /// <summary>The kit's records as Microsoft.Reactive.Testing records, e.g. for <c>ReactiveAssert</c> or <c>CreateHotObservable</c>.</summary>
    public static Mrt.Recorded<T>[] ToReactiveTestRecorded<T>(this IEnumerable<Recorded<T>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Select(r => new Mrt.Recorded<T>(r.Time, r.Value)).ToArray();
    }

    /// <summary>
    /// Microsoft.Reactive.Testing records as the kit's records, e.g. for <c>MarbleAssert</c> or <c>ToBe(...)</c>.
    /// A message built with a predicate (<c>ReactiveTest.OnNext(time, predicate)</c>, <c>OnError(time, predicate)</c>)
    /// is refused with <see cref="ArgumentException"/>: it has no value to draw or compare.
    /// </summary>
    public static Recorded<T>[] ToMarbleRecorded<T>(this IEnumerable<Mrt.Recorded<T>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Select((r, index) => IsPredicate(r.Value)
            ? throw new ArgumentException(
                $"Message #{index + 1} (at {r.Time} ticks) was built by ReactiveTest with a predicate, so it has no value to draw "
                + "or compare as a marble; check messages with predicates with ReactiveAssert.", nameof(records))
            : new Recorded<T>(r.Time, r.Value)).ToArray();
    }

    /// <summary>
    /// A Microsoft.Reactive.Testing subscription; a log still subscribed (<see cref="SubscriptionLog.Unsubscribed"/> null)
    /// becomes one that ends at <see cref="Mrt.Subscription.Infinite"/>.
    /// </summary>
    public static Mrt.Subscription ToReactiveTestSubscription(this SubscriptionLog log) =>
        new(log.Subscribed, log.Unsubscribed ?? Mrt.Subscription.Infinite);

    /// <summary>The kit's subscription log; <see cref="Mrt.Subscription.Infinite"/> becomes "still subscribed" (null).</summary>
    public static SubscriptionLog ToSubscriptionLog(this Mrt.Subscription subscription) =>
        new(subscription.Subscribe, subscription.Unsubscribe == Mrt.Subscription.Infinite ? null : subscription.Unsubscribe);

    // ReactiveTest's predicate notifications are its own nested types; their Value throws NotSupportedException.
    private static bool IsPredicate(object? value) => value?.GetType().DeclaringType == typeof(Mrt.ReactiveTest);
}

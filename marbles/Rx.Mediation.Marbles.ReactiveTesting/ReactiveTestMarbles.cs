using System.Reactive;
// The kit's Recorded<T> is in the enclosing namespace; Microsoft.Reactive.Testing's is only reached as Mrt.Recorded.
using Mrt = Microsoft.Reactive.Testing;

namespace Rx.Mediation.Marbles.ReactiveTesting;

/// <summary>
/// Marble diagrams as Microsoft.Reactive.Testing values and back: the recorded messages that <c>ReactiveTest.OnNext</c>,
/// <c>OnCompleted</c> and <c>OnError</c> build, and the <see cref="Mrt.Subscription"/> that <c>ReactiveTest.Subscribe</c>
/// builds. Times are <see cref="TimeSpan"/> ticks with one frame = <see cref="MarbleScheduler.Frame"/> ticks (1 ms), so
/// <c>"--a|"</c> is <c>OnNext(20_000, "a"), OnCompleted&lt;string&gt;(30_000)</c>. The grammar is the kit's (docs/marbles.md).
/// </summary>
public static class ReactiveTestMarbles
{
    /// <summary>The messages of a diagram of one-character strings; <c>^</c> marks time 0, earlier values get negative times.</summary>
    public static Mrt.Recorded<Notification<string>>[] Messages(string marbles, Exception? error = null) =>
        Messages<string>(marbles, null, error);

    /// <summary>The messages of a diagram, values looked up in <paramref name="values"/>; <c>#</c> is <paramref name="error"/> (default <see cref="MarbleError"/>).</summary>
    public static Mrt.Recorded<Notification<T>>[] Messages<T>(string marbles, IReadOnlyDictionary<char, T>? values = null, Exception? error = null) =>
        MarbleParser.ParseNotifications(marbles, values, error).ToReactiveTestRecorded();

    /// <summary>The subscription of a subscription diagram, e.g. <c>"--^---!"</c> is <c>Subscribe(20_000, 60_000)</c>; without <c>!</c> it never ends.</summary>
    public static Mrt.Subscription Subscription(string marbles) => MarbleParser.ParseSubscription(marbles).ToReactiveTestSubscription();

    /// <summary>
    /// Draws recorded messages (e.g. an <c>ITestableObserver</c>'s <c>Messages</c>) as a diagram, with the kit's rendering
    /// rules (<see cref="MarbleDiagram.Render{T}"/>): values by their key in <paramref name="values"/>, times that are not
    /// whole frames as time progressions.
    /// </summary>
    public static string ToMarbles<T>(
        this IEnumerable<Mrt.Recorded<Notification<T>>> messages,
        IReadOnlyDictionary<char, T>? values = null,
        IEqualityComparer<T>? comparer = null) =>
        MarbleDiagram.Render(messages.ToMarbleRecorded(), values, comparer);

    /// <summary>Draws a subscription, e.g. <c>Subscribe(20_000, 60_000)</c> as <c>"--^---!"</c>.</summary>
    public static string ToMarbles(this Mrt.Subscription subscription) => MarbleDiagram.Render(subscription.ToSubscriptionLog());
}

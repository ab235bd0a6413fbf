using System.Reactive;

namespace Rx.Mediation.Marbles.Specs;

internal static class N
{
    public static long Ms(double ms) => (long)(ms * TimeSpan.TicksPerMillisecond);

    public static Recorded<Notification<T>> Next<T>(double ms, T value) => new(Ms(ms), Notification.CreateOnNext(value));

    public static Recorded<Notification<T>> Done<T>(double ms) => new(Ms(ms), Notification.CreateOnCompleted<T>());

    public static Recorded<Notification<T>> Fail<T>(double ms, Exception error) => new(Ms(ms), Notification.CreateOnError<T>(error));

    public static Recorded<Notification<string>> Next(double ms, string value) => Next<string>(ms, value);

    public static Recorded<Notification<string>> Done(double ms) => Done<string>(ms);

    public static Recorded<Notification<string>> Fail(double ms, Exception error) => Fail<string>(ms, error);

    public static IReadOnlyList<Recorded<Notification<string>>> Parse(string marbles) => MarbleParser.ParseNotifications<string>(marbles);
}

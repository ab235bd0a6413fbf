using System.Reactive.Linq;
using Rx.Mediation.Events;
using Rx.Mediation.Operators.Observables;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Catalog;

/// <summary>Stages that let events through or not: where, distinct, skip, take.</summary>
public static class Filtering
{
    public static RouteStage Where(Func<Event, bool> predicate, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new RouteStage("where", $"where({description ?? "…"})",
            (source, context) => new PerEventOperator(source, () => e => predicate(e) ? e : null, context));
    }

    /// <summary>Drops an event whose key equals the previous event's key. Without a key selector, the payload bytes are the key.</summary>
    public static RouteStage DistinctUntilChanged(Func<Event, string?>? key = null, string? description = null) =>
        new("distinct", $"distinct({description ?? (key is null ? "payload" : "…")})",
            (source, context) => new PerEventOperator(source, () =>
            {
                var hasPrevious = false;
                string? previousKey = null;
                ReadOnlyMemory<byte> previousPayload = default;
                return e =>
                {
                    bool same;
                    if (key is null)
                    {
                        same = hasPrevious && e.Payload.Span.SequenceEqual(previousPayload.Span);
                        previousPayload = e.Payload;
                    }
                    else
                    {
                        var k = key(e);
                        same = hasPrevious && string.Equals(k, previousKey, StringComparison.Ordinal);
                        previousKey = k;
                    }
                    hasPrevious = true;
                    return same ? null : e;
                };
            }, context));

    public static RouteStage Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new RouteStage("skip", $"skip({count})", (source, context) => new PerEventOperator(source, () =>
        {
            var seen = 0;
            return e => seen++ < count ? null : e;
        }, context));
    }

    /// <summary>Lets <paramref name="count"/> events through, then completes the route.</summary>
    public static RouteStage Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new RouteStage("take", $"take({count})", (source, context) => source.Counted(context, s => s.Take(count)));
    }
}

namespace Rx.Mediation.Bridging;

/// <summary>
/// What a full bridge does with the next event. Named as Akka Streams names its overflow strategies.
/// </summary>
public enum OverflowStrategy
{
    /// <summary>Drop the oldest buffered event to make room (Akka: dropHead).</summary>
    DropHead,

    /// <summary>Drop the newest buffered event to make room (Akka: dropTail).</summary>
    DropTail,

    /// <summary>Refuse the incoming event; the entrypoint tells its client to retry (HTTP 503 + Retry-After) (Akka: dropNew).</summary>
    DropNew,

    /// <summary>Drop everything buffered, then take the incoming event (Akka: dropBuffer).</summary>
    DropBuffer,

    /// <summary>Make the source wait for room, up to <see cref="BridgeOptions.BackpressureTimeout"/> (Akka: backpressure).</summary>
    Backpressure,

    /// <summary>Fail the route: it stops taking events and reports the overflow as its fault (Akka: fail).</summary>
    Fail,
}

public static class OverflowStrategyNames
{
    /// <summary>The kebab-case names used in configuration and logs: drop-head, drop-tail, drop-new, drop-buffer, backpressure, fail.</summary>
    public static string ToName(this OverflowStrategy strategy) => strategy switch
    {
        OverflowStrategy.DropHead => "drop-head",
        OverflowStrategy.DropTail => "drop-tail",
        OverflowStrategy.DropNew => "drop-new",
        OverflowStrategy.DropBuffer => "drop-buffer",
        OverflowStrategy.Backpressure => "backpressure",
        OverflowStrategy.Fail => "fail",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
    };

    /// <summary>Parses a name; also accepts Akka's camel case and the aliases drop-oldest / drop-newest.</summary>
    public static bool TryParse(string? text, out OverflowStrategy strategy)
    {
        strategy = default;
        if (text is null) return false;
        switch (text.Trim().Replace("_", "-").ToLowerInvariant())
        {
            case "drop-head" or "drophead" or "drop-oldest": strategy = OverflowStrategy.DropHead; return true;
            case "drop-tail" or "droptail" or "drop-newest": strategy = OverflowStrategy.DropTail; return true;
            case "drop-new" or "dropnew" or "reject": strategy = OverflowStrategy.DropNew; return true;
            case "drop-buffer" or "dropbuffer": strategy = OverflowStrategy.DropBuffer; return true;
            case "backpressure" or "back-pressure" or "wait": strategy = OverflowStrategy.Backpressure; return true;
            case "fail": strategy = OverflowStrategy.Fail; return true;
            default: return false;
        }
    }
}

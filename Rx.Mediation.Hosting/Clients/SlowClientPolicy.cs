namespace Rx.Mediation.Hosting.Clients;

/// <summary>What happens when a web client reads slower than its events arrive and its send queue is full.</summary>
public enum SlowClientPolicy
{
    /// <summary>Drop the oldest queued event for that client (counted); the client stays connected.</summary>
    DropOldest,

    /// <summary>Drop the incoming event for that client (counted); the client stays connected.</summary>
    DropNewest,

    /// <summary>Close the client with a clear reason; it may reconnect and resume.</summary>
    Disconnect,
}

namespace Rx.Mediation.Events;

/// <summary>What an <see cref="Event"/> stands for: a message, or a client arriving or leaving.</summary>
public enum EventKind : byte
{
    Data = 0,
    Connect = 1,
    Disconnect = 2,
}

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>
/// Why a client is turned away: the HTTP status and error code it is answered with before a stream starts, and the
/// reason it is told (the close reason, too, of a WebSocket turned away after its upgrade).
/// </summary>
public sealed record ClientRefusal(int Status, string Code, string Reason);

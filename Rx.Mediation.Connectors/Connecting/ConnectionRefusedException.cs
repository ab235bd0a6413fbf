namespace Rx.Mediation.Connectors.Connecting;

/// <summary>A broker answered a connection attempt with a refusal (its reason is the message), rather than failing it.</summary>
public sealed class ConnectionRefusedException(string reason) : Exception(reason);

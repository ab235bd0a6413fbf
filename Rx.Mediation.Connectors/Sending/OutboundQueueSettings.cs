namespace Rx.Mediation.Connectors.Sending;

/// <summary>
/// The descriptions of the outbound queue's two settings, the same on every connector that sends through
/// <see cref="SendPipeline"/> (MQTT, RabbitMQ, AMQP 1.0): one queue, so one wording in every docs table.
/// </summary>
public static class OutboundQueueSettings
{
    public const string Capacity =
        "Events queued in front of the connection. Routes sending here hold back once half of it is queued (resumed at a quarter), "
        + "so their bridges apply their overflow strategy; if it is full all the same (events handed over other than through a route), "
        + "new events are dropped, counted (`Dropped`) and logged.";

    public const string MaxBytes =
        "Payload bytes the outbound queue holds at most: it is full at this or at `OutboundCapacity`, whichever comes first, and routes "
        + "hold back at half of either (resumed when both are down to a quarter). One event larger than this still passes an empty queue.";
}

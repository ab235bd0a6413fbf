namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>Why the packet log lost one of its own lines.</summary>
public enum PacketLogDropReason
{
    /// <summary>Its queue was full (the writer cannot keep up, e.g. stdout is slow): the new line was dropped.</summary>
    Full,

    /// <summary>Offered after the log stopped (the server was shutting down).</summary>
    Stopped,

    /// <summary>Writing the batch to the output failed (e.g. stdout closed): its lines are lost.</summary>
    WriteFailed,
}

public static class PacketLogDropReasonNames
{
    public static readonly int Count = Enum.GetValues<PacketLogDropReason>().Length;

    public static string ToName(this PacketLogDropReason reason) => reason switch
    {
        PacketLogDropReason.Full => "full",
        PacketLogDropReason.Stopped => "stopped",
        PacketLogDropReason.WriteFailed => "write-failed",
        _ => reason.ToString().ToLowerInvariant(),
    };
}

namespace Rx.Mediation.Events;

/// <summary>Where a payload stops being valid JSON: the byte offset from its start, and what is wrong there.</summary>
public sealed record JsonFault(long Offset, string Reason)
{
    public override string ToString() => $"byte {Offset}: {Reason}";
}

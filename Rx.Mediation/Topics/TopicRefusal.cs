namespace Rx.Mediation.Topics;

/// <summary>Why a client's topic or filter was refused: the rule broken and a sentence naming it.</summary>
public sealed record TopicRefusal(TopicRule Rule, string Message)
{
    public string RuleName => Rule.ToName();

    public override string ToString() => Message;
}

using Rx.Mediation.Topics;

namespace Rx.Mediation.Routing;

/// <summary>A route's source: a node name, and the topics of that node the route takes (all by default).</summary>
public sealed record SourceBinding(string Node, TopicPattern Topics)
{
    public SourceBinding(string node) : this(node, TopicPattern.All) { }

    public override string ToString() => Topics == TopicPattern.All ? Node : $"{Node}[{Topics}]";
}

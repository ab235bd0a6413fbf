namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// What a principal or role may do (<c>Mediation:Security:Rights:{principal-or-role}</c>): MQTT-style topic filters in
/// which <c>{name}</c>, <c>{client_id}</c> and <c>{claim}</c> (any claim of the principal, e.g. <c>{sub}</c>) are
/// replaced by the caller's own values.
/// </summary>
public sealed class TopicRightsSettings
{
    /// <summary>Filters the topics it may publish to must match.</summary>
    public List<string> Publish { get; set; } = [];

    /// <summary>Filters its subscriptions must stay within (a wider one, such as <c>#</c>, is refused, not narrowed).</summary>
    public List<string> Subscribe { get; set; } = [];
}

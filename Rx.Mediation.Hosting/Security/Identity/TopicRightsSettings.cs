namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// What a principal or role may do (<c>Mediation:Security:Rights:{principal-or-role}</c>): MQTT-style topic filters in
/// which <c>{name}</c>, <c>{client_id}</c> and <c>{claim}</c> (any claim of the principal, e.g. <c>{sub}</c>) are
/// replaced by the caller's own values; and which clients it may address directly (<see cref="Address"/>).
/// </summary>
public sealed class TopicRightsSettings
{
    /// <summary>Filters the topics it may publish to must match.</summary>
    public List<string> Publish { get; set; } = [];

    /// <summary>Filters its subscriptions must stay within (a wider one, such as <c>#</c>, is refused, not narrowed).</summary>
    public List<string> Subscribe { get; set; } = [];

    /// <summary>
    /// Client ids it may address with <c>X-Client-Id</c> besides its own: patterns in which <c>*</c> stands for any run of
    /// characters and <c>{name}</c> or <c>{claim}</c> for the caller's value (e.g. <c>{name}-*</c>, or <c>*</c> for every client).
    /// </summary>
    public List<string> Address { get; set; } = [];
}

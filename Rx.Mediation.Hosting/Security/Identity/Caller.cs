using System.Security.Claims;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Who sent a request and what they may do: the principal (none for an anonymous caller), and the publish and
/// subscribe filters of its rights with <c>{name}</c>, <c>{client_id}</c> and <c>{claim}</c> filled in. A filter whose
/// value is missing, empty or holds a topic separator or wildcard (<c>/</c>, <c>+</c>, <c>#</c>) grants nothing, so a
/// principal named <c>#</c> cannot widen its own rights. Which clients it may address directly: its own client ids
/// (<see cref="Clients.ClientIdOwners"/>) and those its <c>Address</c> patterns match. Every check is made against the
/// rights in force at that moment (<see cref="CallerAccess.Rights"/>), so a reload applies to callers already connected.
/// </summary>
public sealed class Caller
{
    /// <summary>The event header holding the publisher's principal name; <c>principal-{claim}</c> hold chosen claims.</summary>
    public const string PrincipalHeader = "principal";

    private readonly IReadOnlyList<string> _keys;
    private readonly CallerAccess? _access; // null: every right, for good (a server without authentication)
    private readonly IReadOnlyList<string> _claimHeaders;
    private RightsGrant? _grant; // worked out for the last generation of the rights this caller was checked against

    /// <param name="keys">The entries of the rights that apply: the principal's name, its roles, <c>*</c>; or <c>anonymous</c>.</param>
    internal Caller(ClaimsPrincipal? principal, IReadOnlyList<string> keys, CallerAccess? access, IReadOnlyList<string> claimHeaders)
    {
        Principal = principal;
        Name = principal?.Identity?.Name;
        _keys = keys;
        _access = access;
        _claimHeaders = claimHeaders;
    }

    /// <summary>A caller of a server without authentication: anonymous, and may do everything.</summary>
    public static Caller Everyone { get; } = new(null, [], null, []);

    /// <summary>Whether the caller has every right now (no authentication, or no <c>Rights</c> configured).</summary>
    public bool IsUnrestricted => Grant().Publish is null;

    /// <summary>Whether a reload may change what this caller may do (authentication is on); false for <see cref="Everyone"/>.</summary>
    public bool HasLiveRights => _access is not null;

    /// <summary>The generation of the rights in force (<see cref="RightsTable.Generation"/>): what this caller may do changes only with it.</summary>
    public long RightsGeneration => _access?.Rights.Generation ?? -1;

    public ClaimsPrincipal? Principal { get; }

    /// <summary>The principal's name; null for an anonymous caller.</summary>
    public string? Name { get; }

    /// <summary>How logs and refusals name the caller.</summary>
    public string Display => Name ?? "anonymous";

    public bool MayPublish(string topic, string? clientId = null) =>
        Grant().Publish is not { } publish || Filters(publish, clientId).Any(filter => filter.Matches(topic));

    /// <summary>Whether every topic <paramref name="filter"/> matches is one the caller may read.</summary>
    public bool MaySubscribe(TopicPattern filter, string? clientId = null) =>
        Grant().Subscribe is not { } subscribe || Filters(subscribe, clientId).Any(filter.IsWithin);

    /// <summary>
    /// Whether the caller may send events straight to client <paramref name="clientId"/>: one of its own (held by its
    /// principal in <paramref name="owners"/>; an anonymous caller owns none), or one an <c>Address</c> pattern matches.
    /// </summary>
    public bool MayAddress(string clientId, Clients.ClientIdOwners? owners)
    {
        if (Grant().Address is not { } address) return true;
        if (Name is not null && owners?.IsHeldBy(clientId, Name) == true) return true;
        foreach (var template in address)
        {
            // A value holding '*' would widen the pattern; {client_id} has no value here (the id is what is checked).
            if (Fill(template, null, "*") is { } pattern && ClientIdPattern.Matches(pattern, clientId)) return true;
        }
        return false;
    }

    /// <summary>The filters every topic this caller reads must match, for client <paramref name="clientId"/>; null: any topic.</summary>
    public IReadOnlyList<TopicPattern>? ReadableFilters(string? clientId) => Grant().Subscribe is not { } subscribe ? null : [.. Filters(subscribe, clientId)];

    /// <summary>The headers with who published: the principal's name and the chosen claims, set by the server only.</summary>
    public EventHeaders Stamp(EventHeaders headers)
    {
        if (Principal is null || Name is null) return headers;
        headers = headers.With(PrincipalHeader, Name);
        foreach (var claim in _claimHeaders)
        {
            var values = Principal.FindAll(claim).Select(c => c.Value).ToList();
            if (values.Count > 0) headers = headers.With($"{PrincipalHeader}-{claim}", string.Join(',', values));
        }
        return headers;
    }

    /// <summary>What this caller may do under the rights in force, worked out again only when they changed.</summary>
    private RightsGrant Grant()
    {
        if (_access is null) return RightsGrant.Everything;
        var rights = _access.Rights;
        var grant = Volatile.Read(ref _grant);
        if (grant?.Generation == rights.Generation) return grant;
        grant = rights.Grant(_keys);
        Volatile.Write(ref _grant, grant);
        return grant;
    }

    private IEnumerable<TopicPattern> Filters(IReadOnlyList<string> templates, string? clientId)
    {
        foreach (var template in templates)
        {
            if (Fill(template, clientId, "/+#") is { } text && TopicPattern.TryParse(text, out var filter, out _)) yield return filter;
        }
    }

    /// <summary>The template with its placeholders filled; null when a value is missing, empty or holds one of <paramref name="widening"/>.</summary>
    private string? Fill(string template, string? clientId, string widening)
    {
        var start = template.IndexOf('{');
        if (start < 0) return template;
        var filled = new System.Text.StringBuilder();
        var at = 0;
        while (start >= 0)
        {
            var end = template.IndexOf('}', start);
            if (end < 0) return null;
            var value = Value(template[(start + 1)..end], clientId);
            if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny(widening) >= 0) return null;
            filled.Append(template, at, start - at).Append(value);
            at = end + 1;
            start = template.IndexOf('{', at);
        }
        return filled.Append(template, at, template.Length - at).ToString();
    }

    private string? Value(string placeholder, string? clientId) => placeholder switch
    {
        "name" => Name,
        "client_id" => clientId,
        _ => Principal?.FindFirst(placeholder)?.Value,
    };
}

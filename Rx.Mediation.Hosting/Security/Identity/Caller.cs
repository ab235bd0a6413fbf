using System.Security.Claims;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Who sent a request and what they may do: the principal (none for an anonymous caller), and the publish and
/// subscribe filters of its rights with <c>{name}</c>, <c>{client_id}</c> and <c>{claim}</c> filled in. A filter whose
/// value is missing, empty or holds a topic separator or wildcard (<c>/</c>, <c>+</c>, <c>#</c>) grants nothing, so a
/// principal named <c>#</c> cannot widen its own rights. Which clients it may address directly: its own client ids
/// (<see cref="Clients.ClientIdOwners"/>) and those its <c>Address</c> patterns match.
/// </summary>
public sealed class Caller
{
    /// <summary>The event header holding the publisher's principal name; <c>principal-{claim}</c> hold chosen claims.</summary>
    public const string PrincipalHeader = "principal";

    private readonly IReadOnlyList<string>? _publish;
    private readonly IReadOnlyList<string>? _subscribe;
    private readonly IReadOnlyList<string>? _address;
    private readonly IReadOnlyList<string> _claimHeaders;

    internal Caller(ClaimsPrincipal? principal, IReadOnlyList<string>? publish, IReadOnlyList<string>? subscribe, IReadOnlyList<string> claimHeaders,
        IReadOnlyList<string>? address = null)
    {
        Principal = principal;
        Name = principal?.Identity?.Name;
        _publish = publish;
        _subscribe = subscribe;
        _address = publish is null ? null : address ?? [];
        _claimHeaders = claimHeaders;
    }

    /// <summary>A caller of a server without authentication: anonymous, and may do everything.</summary>
    public static Caller Everyone { get; } = new(null, null, null, []);

    /// <summary>Whether the caller has every right (no authentication, or no <c>Rights</c> configured).</summary>
    public bool IsUnrestricted => _publish is null;

    public ClaimsPrincipal? Principal { get; }

    /// <summary>The principal's name; null for an anonymous caller.</summary>
    public string? Name { get; }

    /// <summary>How logs and refusals name the caller.</summary>
    public string Display => Name ?? "anonymous";

    public bool MayPublish(string topic, string? clientId = null) =>
        _publish is null || Filters(_publish, clientId).Any(filter => filter.Matches(topic));

    /// <summary>Whether every topic <paramref name="filter"/> matches is one the caller may read.</summary>
    public bool MaySubscribe(TopicPattern filter, string? clientId = null) =>
        _subscribe is null || Filters(_subscribe, clientId).Any(filter.IsWithin);

    /// <summary>
    /// Whether the caller may send events straight to client <paramref name="clientId"/>: one of its own (held by its
    /// principal in <paramref name="owners"/>; an anonymous caller owns none), or one an <c>Address</c> pattern matches.
    /// </summary>
    public bool MayAddress(string clientId, Clients.ClientIdOwners? owners)
    {
        if (_address is null) return true;
        if (Name is not null && owners?.IsHeldBy(clientId, Name) == true) return true;
        foreach (var template in _address)
        {
            // A value holding '*' would widen the pattern; {client_id} has no value here (the id is what is checked).
            if (Fill(template, null, "*") is { } pattern && ClientIdPattern.Matches(pattern, clientId)) return true;
        }
        return false;
    }

    /// <summary>The filters every topic this caller reads must match, for client <paramref name="clientId"/>; null: any topic.</summary>
    public IReadOnlyList<TopicPattern>? ReadableFilters(string? clientId) => _subscribe is null ? null : [.. Filters(_subscribe, clientId)];

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

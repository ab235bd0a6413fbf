using System.Security.Claims;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Turns an authentication result into a <see cref="Caller"/> with its rights: the union of the <c>Rights</c> entries
/// named after the principal, after each of its roles, and <c>*</c> (every authenticated principal). An anonymous
/// caller, let in only with <c>AllowAnonymous</c>, has the entry <c>anonymous</c>. With no <c>Rights</c> at all,
/// authentication alone decides: every caller let in may do everything.
/// </summary>
public sealed class CallerAccess(SecurityOptions security)
{
    public const string EveryPrincipal = "*";
    public const string AnonymousEntry = "anonymous";

    public SecurityOptions Security { get; } = security;

    public Caller Authenticated(ClaimsPrincipal principal)
    {
        if (Security.Rights.Count == 0) return new Caller(principal, null, null, Security.ClaimHeaders);
        var identity = principal.Identity as ClaimsIdentity;
        var roleClaim = identity?.RoleClaimType ?? "roles";
        var keys = new List<string> { EveryPrincipal };
        if (principal.Identity?.Name is { } name) keys.Add(name);
        keys.AddRange(principal.FindAll(roleClaim).Select(c => c.Value));
        return From(principal, keys);
    }

    /// <summary>The anonymous caller, or null when anonymous callers are not let in.</summary>
    public Caller? Anonymous()
    {
        if (!Security.AllowAnonymous) return null;
        return Security.Rights.Count == 0 ? Caller.Everyone : From(null, [AnonymousEntry]);
    }

    private Caller From(ClaimsPrincipal? principal, IEnumerable<string> keys)
    {
        var publish = new List<string>();
        var subscribe = new List<string>();
        var address = new List<string>();
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (!Security.Rights.TryGetValue(key, out var rights)) continue;
            publish.AddRange(rights.Publish);
            subscribe.AddRange(rights.Subscribe);
            address.AddRange(rights.Address);
        }
        return new Caller(principal, publish, subscribe, Security.ClaimHeaders, address);
    }
}

using System.Security.Claims;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Turns an authentication result into a <see cref="Caller"/> with its rights: the union of the <c>Rights</c> entries
/// named after the principal, after each of its roles, and <c>*</c> (every authenticated principal). An anonymous
/// caller, let in only with <c>AllowAnonymous</c>, has the entry <c>anonymous</c>. With no <c>Rights</c> at all,
/// authentication alone decides: every caller let in may do everything.
/// <para>The rights are the current <see cref="Rights"/>, which a reload replaces (<see cref="RightsReload"/>): a caller
/// made before keeps its principal and roles, and is judged by the rights of the moment.</para>
/// </summary>
public sealed class CallerAccess(SecurityOptions security)
{
    public const string EveryPrincipal = "*";
    public const string AnonymousEntry = "anonymous";

    private RightsTable _rights = new(security.Rights, 0);

    public SecurityOptions Security { get; } = security;

    /// <summary>The rights in force now.</summary>
    public RightsTable Rights => Volatile.Read(ref _rights);

    /// <summary>Puts <paramref name="entries"/> in force from now on, as the next generation; returns the new table.</summary>
    public RightsTable Replace(IReadOnlyDictionary<string, TopicRightsSettings> entries)
    {
        var next = new RightsTable(entries, Rights.Generation + 1);
        Volatile.Write(ref _rights, next);
        return next;
    }

    public Caller Authenticated(ClaimsPrincipal principal)
    {
        var identity = principal.Identity as ClaimsIdentity;
        var roleClaim = identity?.RoleClaimType ?? "roles";
        var keys = new List<string> { EveryPrincipal };
        if (principal.Identity?.Name is { } name) keys.Add(name);
        keys.AddRange(principal.FindAll(roleClaim).Select(c => c.Value));
        return new Caller(principal, [.. keys.Distinct(StringComparer.Ordinal)], this, Security.ClaimHeaders);
    }

    /// <summary>The anonymous caller, or null when anonymous callers are not let in.</summary>
    public Caller? Anonymous() => Security.AllowAnonymous ? new Caller(null, [AnonymousEntry], this, Security.ClaimHeaders) : null;
}

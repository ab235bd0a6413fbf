namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// What one caller may do under one version of the rights (<see cref="RightsTable.Generation"/>): its publish,
/// subscribe and address templates, the union of the entries that apply to it. Null lists: every right.
/// </summary>
internal sealed record RightsGrant(long Generation, IReadOnlyList<string>? Publish, IReadOnlyList<string>? Subscribe, IReadOnlyList<string>? Address)
{
    /// <summary>Every right, for good: a server without authentication has no rights to change.</summary>
    public static RightsGrant Everything { get; } = new(-1, null, null, null);
}

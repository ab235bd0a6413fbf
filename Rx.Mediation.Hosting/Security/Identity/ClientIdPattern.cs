namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Matches client ids against an <c>Address</c> right once its placeholders are filled: <c>*</c> stands for any run of
/// characters (none too), everything else for itself. Client ids are free text, not topics, so topic wildcards do not fit.
/// </summary>
public static class ClientIdPattern
{
    public static bool Matches(string pattern, string clientId)
    {
        // Greedy with one backtrack point, the last '*': linear for the patterns rights use.
        int p = 0, c = 0, star = -1, resume = 0;
        while (c < clientId.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = c;
            }
            else if (p < pattern.Length && pattern[p] == clientId[c])
            {
                p++;
                c++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                c = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>Why <paramref name="pattern"/> cannot be a client-id pattern (with placeholders), or null.</summary>
    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) return "an empty pattern";
        if (pattern.Any(c => c is < ' ' or > '~')) return "client ids are printable ASCII";
        var shape = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[A-Za-z0-9_.:-]+\\}", "x");
        return shape.Contains('{') || shape.Contains('}') ? "unbalanced braces" : null;
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Rx.Mediation.Hosting.Entrypoints;

namespace Rx.Mediation.Hosting.Admin;

/// <summary>
/// Who may read the admin API and the dashboard (see <see cref="AdminOptions"/>): loopback clients always; others
/// only with the configured key (compared in constant time), or, with no key configured, when remote access is
/// explicitly open. Refusals are JSON: 403 <c>remote-refused</c> when no key could let the client in, 401
/// <c>admin-key-required</c>/<c>admin-key-invalid</c> when a key is configured and was not sent or is wrong.
/// </summary>
public sealed class AdminAccess
{
    public const string KeyHeader = "X-Admin-Key";

    /// <summary>The query parameter the dashboard passes the key in (EventSource cannot send headers).</summary>
    public const string KeyQuery = "key";

    private readonly byte[]? _keyHash;

    public AdminAccess(AdminOptions options)
    {
        Options = options;
        _keyHash = options.HasKey ? Hash(options.Key!) : null;
    }

    public AdminOptions Options { get; }

    /// <summary>Decides for one request; <paramref name="acceptQueryKey"/> lets <c>?key=</c> stand for the header.</summary>
    public AccessDecision Check(HttpContext context, bool acceptQueryKey = false)
    {
        if (IsLocal(context.Connection.RemoteIpAddress)) return AccessDecision.Allowed;
        if (_keyHash is null)
        {
            return Options.AllowRemote
                ? AccessDecision.Allowed
                : AccessDecision.Refuse(StatusCodes.Status403Forbidden, "remote-refused",
                    "the admin API and dashboard answer loopback clients only; configure an admin key (Mediation:Admin:Key or server.admin.key) to let remote clients in with it");
        }
        var sent = SentKey(context.Request, acceptQueryKey);
        if (sent is null)
        {
            return AccessDecision.Refuse(StatusCodes.Status401Unauthorized, "admin-key-required",
                $"remote clients must send the admin key ({KeyHeader} header or Authorization: Bearer)");
        }
        return CryptographicOperations.FixedTimeEquals(Hash(sent), _keyHash)
            ? AccessDecision.Allowed
            : AccessDecision.Refuse(StatusCodes.Status401Unauthorized, "admin-key-invalid", "the admin key sent is not the configured one");
    }

    /// <summary>Whether a client at this address could get in at all (the dashboard's page is served only then).</summary>
    public bool CouldAllow(HttpContext context) => IsLocal(context.Connection.RemoteIpAddress) || Options.RemotePossible;

    /// <summary>Writes the refusal (status, <c>WWW-Authenticate</c> for 401, JSON body).</summary>
    public static Task WriteAsync(HttpContext context, AccessDecision decision)
    {
        if (decision.Status == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer realm=\"rx-mediation-admin\"";
        context.Response.Headers.CacheControl = "no-store";
        return JsonErrors.WriteAsync(context, decision.Status, decision.Error!, decision.Message!);
    }

    /// <summary>
    /// No address means no network peer (in-process test host, Unix socket): local. IPv4 loopback reached over an IPv6
    /// socket arrives mapped (::ffff:127.0.0.1) and is loopback too.
    /// </summary>
    public static bool IsLocal(IPAddress? address)
    {
        if (address is null) return true;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return IPAddress.IsLoopback(address);
    }

    private static string? SentKey(HttpRequest request, bool acceptQueryKey)
    {
        if (request.Headers.TryGetValue(KeyHeader, out var header) && !string.IsNullOrEmpty(header.ToString())) return header.ToString();
        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        const string bearer = "Bearer ";
        if (authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) && authorization.Length > bearer.Length)
            return authorization[bearer.Length..].Trim();
        if (acceptQueryKey && request.Query.TryGetValue(KeyQuery, out var query) && !string.IsNullOrEmpty(query.ToString())) return query.ToString();
        return null;
    }

    // Hashing both sides first makes the comparison constant-time in the key's length as well as its content.
    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

public readonly record struct AccessDecision(int Status, string? Error, string? Message)
{
    public static AccessDecision Allowed { get; } = new(StatusCodes.Status200OK, null, null);

    public bool IsAllowed => Error is null;

    public static AccessDecision Refuse(int status, string error, string message) => new(status, error, message);
}

using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;
using Rx.Mediation.Connectors;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>
/// Headers a web client puts on its event (<c>X-Header-{name}</c>, a WebSocket envelope's <c>headers</c>). Those the
/// server itself sets, and which downstream consumers trust because of that, are <see cref="Reserved"/>: a client
/// that names one is refused, so it can neither forge the sender nor override the real content type or a broker
/// position. Names and values must also be carried by every broker: no control characters, bounded length.
/// </summary>
public static class ClientHeaders
{
    /// <summary>The longest header name taken, in characters.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Header names only the server sets (compared ignoring case); documented in README.</summary>
    public static FrozenSet<string> Reserved { get; } = new[]
    {
        "content-type",                 // from the request's Content-Type, or the WebSocket frame / envelope payload
        MemoryEndpoint.SenderHeader,    // the client that sent an event, once it crossed a broker
        ResumeIds.Header,               // what SSE ids and poll cursors resume from
        "batch-size",                   // set by the buffer operator
        Security.Identity.Caller.PrincipalHeader, // who published, when callers are authenticated
    }.Concat(ReceivedHeaders.Names).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every header starting with one of these is reserved too: a received message's broker metadata.</summary>
    public static IReadOnlyList<string> ReservedPrefixes { get; } = [.. ReceivedHeaders.Prefixes, Security.Identity.Caller.PrincipalHeader + "-"];

    public static bool IsReserved(string name) =>
        Reserved.Contains(name) || ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary><paramref name="headers"/> with the client's header added, or false with why it was refused.</summary>
    public static bool TryAdd(ref EventHeaders headers, string name, string value, [NotNullWhen(false)] out string? error)
    {
        error = Check(name, value);
        if (error is not null) return false;
        headers = headers.With(name, value);
        return true;
    }

    private static string? Check(string name, string value)
    {
        if (name.Length == 0) return "a header name must not be empty";
        if (name.Length > MaxNameLength) return $"header name '{name[..32]}…' is longer than {MaxNameLength} characters";
        if (name.AsSpan().IndexOfAnyInRange('\0', ' ') >= 0 || name.Any(c => char.IsControl(c) || char.IsSurrogate(c)))
            return "a header name must not contain spaces or control characters";
        if (IsReserved(name)) return $"header '{name}' is reserved: the server sets it (reserved: {string.Join(", ", Reserved.Order(StringComparer.Ordinal))}, {string.Join(", ", ReservedPrefixes.Select(p => p + "*"))})";
        // Tab is the only control character HTTP allows in a value; the rest would not survive every broker.
        if (value.Any(c => c != '\t' && char.IsControl(c)))
            return $"header '{name}' has a control character in its value";
        if (HasUnpairedSurrogate(value)) return $"header '{name}' has a value that is not valid Unicode (an unpaired surrogate)";
        return null;
    }

    private static bool HasUnpairedSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (!char.IsHighSurrogate(text[i]) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1])) return true;
            i++;
        }
        return false;
    }
}

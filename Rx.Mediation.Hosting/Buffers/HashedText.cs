namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// A dictionary key that carries its string's hash: removing an old entry (an evicted event's id, a forgotten topic's
/// name) then needs neither the string's characters nor the event it belongs to, which are long out of the CPU's
/// caches by then. Equal strings are mostly the same instance, so comparing them does not read them either.
/// </summary>
internal readonly struct HashedText(string text, int hash) : IEquatable<HashedText>
{
    public string Text { get; } = text;

    public int Hash { get; } = hash;

    // Randomised per process, as string hashing is, so crafted names cannot pile into one bucket.
    public static HashedText Of(string text) => new(text, StringComparer.Ordinal.GetHashCode(text));

    public bool Equals(HashedText other) => Hash == other.Hash && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is HashedText other && Equals(other);

    public override int GetHashCode() => Hash;
}

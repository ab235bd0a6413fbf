using System.Collections;

namespace Rx.Mediation.Events;

/// <summary>
/// Immutable string→string headers. Names compare ordinal-ignore-case, as HTTP's do.
/// Backed by a small array (most events carry a handful of headers, where a linear scan beats hashing);
/// an event without headers allocates nothing at all.
/// </summary>
public readonly struct EventHeaders : IReadOnlyCollection<KeyValuePair<string, string>>
{
    private readonly KeyValuePair<string, string>[]? _items;

    private EventHeaders(KeyValuePair<string, string>[]? items) => _items = items;

    public static EventHeaders Empty => default;

    public int Count => _items?.Length ?? 0;

    public bool IsEmpty => _items is null || _items.Length == 0;

    public string? this[string name] => TryGetValue(name, out var value) ? value : null;

    public bool TryGetValue(string name, out string value)
    {
        var items = _items;
        if (items is not null)
        {
            for (var i = 0; i < items.Length; i++)
            {
                if (string.Equals(items[i].Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = items[i].Value;
                    return true;
                }
            }
        }
        value = string.Empty;
        return false;
    }

    public bool Contains(string name) => TryGetValue(name, out _);

    /// <summary>Returns headers with <paramref name="name"/> set to <paramref name="value"/>, replacing any previous value.</summary>
    public EventHeaders With(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var items = _items;
        if (items is null) return new EventHeaders([new(name, value)]);
        var index = IndexOf(items, name);
        KeyValuePair<string, string>[] copy;
        if (index >= 0)
        {
            copy = (KeyValuePair<string, string>[])items.Clone();
            copy[index] = new(name, value);
        }
        else
        {
            copy = new KeyValuePair<string, string>[items.Length + 1];
            Array.Copy(items, copy, items.Length);
            copy[^1] = new(name, value);
        }
        return new EventHeaders(copy);
    }

    public EventHeaders Without(string name)
    {
        var items = _items;
        if (items is null) return this;
        var index = IndexOf(items, name);
        if (index < 0) return this;
        if (items.Length == 1) return default;
        var copy = new KeyValuePair<string, string>[items.Length - 1];
        Array.Copy(items, 0, copy, 0, index);
        Array.Copy(items, index + 1, copy, index, items.Length - index - 1);
        return new EventHeaders(copy);
    }

    /// <summary>Builds headers from pairs; a later duplicate name wins.</summary>
    public static EventHeaders From(IEnumerable<KeyValuePair<string, string>>? pairs)
    {
        if (pairs is null) return default;
        var list = new List<KeyValuePair<string, string>>();
        foreach (var pair in pairs)
        {
            ArgumentNullException.ThrowIfNull(pair.Key);
            var index = list.FindIndex(p => string.Equals(p.Key, pair.Key, StringComparison.OrdinalIgnoreCase));
            var entry = new KeyValuePair<string, string>(pair.Key, pair.Value ?? string.Empty);
            if (index >= 0) list[index] = entry; else list.Add(entry);
        }
        return list.Count == 0 ? default : new EventHeaders(list.ToArray());
    }

    public static EventHeaders From(params (string Name, string Value)[] pairs) =>
        From(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    public bool SetEquals(EventHeaders other)
    {
        if (Count != other.Count) return false;
        foreach (var pair in this)
        {
            if (!other.TryGetValue(pair.Key, out var value) || !string.Equals(value, pair.Value, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    public Enumerator GetEnumerator() => new(_items);

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, string>>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)this).GetEnumerator();

    public override string ToString() =>
        _items is null ? "{}" : "{" + string.Join(", ", _items.Select(p => $"{p.Key}={p.Value}")) + "}";

    private static int IndexOf(KeyValuePair<string, string>[] items, string name)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (string.Equals(items[i].Key, name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    public struct Enumerator
    {
        private readonly KeyValuePair<string, string>[]? _items;
        private int _index;

        internal Enumerator(KeyValuePair<string, string>[]? items)
        {
            _items = items;
            _index = -1;
        }

        public readonly KeyValuePair<string, string> Current => _items![_index];

        public bool MoveNext() => _items is not null && ++_index < _items.Length;
    }
}

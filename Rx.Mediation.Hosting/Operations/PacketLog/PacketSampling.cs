using System.Globalization;
using Rx.Mediation.Diagnostics;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// Which events' flow lines are written: a rate, decided per event from its timestamp, so an event is either logged at
/// every stage of every route (received, routed, delivered) or at none; it costs a multiply and a compare, and no state.
/// </summary>
public readonly struct PacketSampling : IEquatable<PacketSampling>
{
    private readonly ulong _threshold;

    private PacketSampling(double rate, string text)
    {
        Rate = rate;
        Text = text;
        All = rate >= 1;
        _threshold = rate <= 0 || rate >= 1 ? 0 : (ulong)(rate * 18446744073709551616.0);
    }

    /// <summary>Every event.</summary>
    public static PacketSampling Every { get; } = new(1, "1");

    /// <summary>The share of events kept, 0 to 1.</summary>
    public double Rate { get; }

    /// <summary>As written in the settings.</summary>
    public string Text { get; }

    public bool All { get; }

    /// <summary>Whether the event with this timestamp (<see cref="Events.Event.Timestamp"/>, UTC ticks) is logged.</summary>
    public bool Keeps(long utcTicks) => All || Mix(utcTicks) < _threshold;

    /// <summary>An event is kept when <see cref="Mix"/> of its timestamp is below this (0 with <see cref="All"/>: not sampled).</summary>
    internal ulong Threshold => _threshold;

    /// <summary>SplitMix64's finalizer: spreads nearby timestamps evenly over 64 bits.</summary>
    public static ulong Mix(long value) => FlowInterest.Mix(value);

    public static PacketSampling Parse(string text) =>
        TryParse(text, out var sampling, out var error) ? sampling : throw new FormatException($"sample {error}");

    /// <summary><c>1/N</c> (N ≥ 1), a fraction from 0 to 1 (<c>0.01</c>), or a percentage (<c>2.5%</c>).</summary>
    public static bool TryParse(string? text, out PacketSampling sampling, out string error)
    {
        sampling = default;
        error = $"must be 1/N, a fraction from 0 to 1 or a percentage (e.g. 1/100, 0.01, 1%), got '{text}'";
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value)) return false;
        const NumberStyles number = NumberStyles.AllowDecimalPoint;
        double rate;
        var slash = value.IndexOf('/');
        if (slash >= 0)
        {
            if (!long.TryParse(value[..slash].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var one) || one != 1
                || !long.TryParse(value[(slash + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                return false;
            rate = 1.0 / n;
        }
        else if (value.EndsWith('%'))
        {
            if (!double.TryParse(value[..^1].Trim(), number, CultureInfo.InvariantCulture, out var percent) || percent > 100) return false;
            rate = percent / 100;
        }
        else
        {
            if (!double.TryParse(value, number, CultureInfo.InvariantCulture, out rate) || rate > 1) return false;
        }
        sampling = new PacketSampling(rate, value);
        error = "";
        return true;
    }

    public bool Equals(PacketSampling other) => Rate.Equals(other.Rate);

    public override bool Equals(object? obj) => obj is PacketSampling other && Equals(other);

    public override int GetHashCode() => Rate.GetHashCode();

    public override string ToString() => Text ?? "";

    public static bool operator ==(PacketSampling left, PacketSampling right) => left.Equals(right);

    public static bool operator !=(PacketSampling left, PacketSampling right) => !left.Equals(right);
}

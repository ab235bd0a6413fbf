using System.Globalization;
using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Connectors.Settings;

/// <summary>
/// A bound of a numeric or duration setting, read by <see cref="SettingRules"/> (the refusal names the bound) and shown
/// in the docs' settings table. Durations are written as in the configuration (<c>"5s"</c>).
/// </summary>
public abstract class SettingBoundAttribute : Attribute
{
    private readonly object _bound;

    private protected SettingBoundAttribute(long bound) => _bound = bound;

    private protected SettingBoundAttribute(string duration) =>
        _bound = ConfigDuration.TryParse(duration, out var value) ? value : throw new ArgumentException($"'{duration}' is not a duration", nameof(duration));

    /// <summary>The bound in the setting's own type, for comparison.</summary>
    internal IComparable For(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (_bound is TimeSpan duration)
            return type == typeof(TimeSpan) ? duration : throw new InvalidOperationException($"a duration bound on a {type.Name} setting");
        return (IComparable)Convert.ChangeType(_bound, type, CultureInfo.InvariantCulture);
    }

    /// <summary>The bound as the configuration writes it: <c>1</c>, <c>5s</c>.</summary>
    public override string ToString() => SettingValues.Format(_bound);
}

/// <summary>The least value the setting takes (inclusive).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AtLeastAttribute : SettingBoundAttribute
{
    public AtLeastAttribute(long minimum) : base(minimum) { }

    public AtLeastAttribute(string minimumDuration) : base(minimumDuration) { }
}

/// <summary>The greatest value the setting takes (inclusive).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AtMostAttribute : SettingBoundAttribute
{
    public AtMostAttribute(long maximum) : base(maximum) { }

    public AtMostAttribute(string maximumDuration) : base(maximumDuration) { }
}

/// <summary>The setting must be above zero (a duration of zero would mean "never" or a busy loop).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PositiveAttribute : Attribute;

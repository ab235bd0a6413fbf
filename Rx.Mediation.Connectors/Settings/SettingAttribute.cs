namespace Rx.Mediation.Connectors.Settings;

/// <summary>
/// Declares a connector setting: the one place its meaning is written. <see cref="SettingsTable"/> renders the docs
/// page's settings table from it, with the default read from the property's initializer unless <see cref="Default"/>
/// says it better (a default computed at start, such as <c>rx-mediation-{name}</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAttribute(string description) : Attribute
{
    /// <summary>One line of Markdown: what the setting does, its choices, how it interacts with others.</summary>
    public string Description { get; } = description;

    /// <summary>The default as the docs show it (Markdown), when the initializer does not tell it.</summary>
    public string? Default { get; set; }

    /// <summary>Must be given: an empty value is refused as <c>is required</c> and the docs say so.</summary>
    public bool Required { get; set; }

    /// <summary>Whether a configuration file takes it (a file's entrypoint is named by its key, so it has no <c>name</c>).</summary>
    public bool InFile { get; set; } = true;

    /// <summary>A value as written in the configuration, given in the refusal of a missing required setting.</summary>
    public string? Example { get; set; }
}

namespace Rx.Mediation.Connectors.Settings;

/// <summary>
/// A setting's former name, kept on the settings class only so that a configuration still using it is refused naming
/// the new one instead of being silently ignored; it is left out of the docs' settings table.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RenamedAttribute(string newName) : Attribute
{
    public string NewName { get; } = newName;
}

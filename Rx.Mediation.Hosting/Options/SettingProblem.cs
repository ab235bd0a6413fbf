namespace Rx.Mediation.Hosting.Options;

/// <summary>One problem of a setting: the options property it is about, and the message in the front door's own words.</summary>
public readonly record struct SettingProblem(string Setting, string Message);

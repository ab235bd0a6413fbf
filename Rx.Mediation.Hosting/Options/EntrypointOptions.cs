using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Options;

/// <summary>What every web entrypoint is configured with: its node name, its path, and optionally a port of its own.</summary>
public abstract class EntrypointOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>The node name routes refer to.</summary>
    public string Name { get; set; } = "";

    public string Path { get; set; } = "";

    /// <summary>
    /// A port of its own, besides the shared listener: the entrypoint then answers on that port only.
    /// Null shares the main listener.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>Topic used when a client names none.</summary>
    public string DefaultTopic { get; set; } = "events";

    /// <summary>The longest topic or topic filter a client may give, in UTF-8 bytes (<see cref="TopicRules"/>).</summary>
    public int MaxTopicBytes { get; set; } = TopicRules.DefaultMaxBytes;

    /// <summary>Every problem of these settings, each naming its setting through <paramref name="name"/> (the key as the front door spells it).</summary>
    internal virtual IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        if (!Enabled) yield break;
        if (string.IsNullOrWhiteSpace(Name)) yield return new(nameof(Name), $"{name(nameof(Name))} must not be empty");
        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/')) yield return new(nameof(Path), $"{name(nameof(Path))} must start with '/', got '{Path}'");
        if (Port is < 0 or > 65535) yield return new(nameof(Port), $"{name(nameof(Port))} must be between 0 and 65535, got {Port}");
        if (MaxTopicBytes < 1) yield return new(nameof(MaxTopicBytes), $"{name(nameof(MaxTopicBytes))} must be at least 1, got {MaxTopicBytes}");
        else if (!new TopicRules(MaxTopicBytes).IsPublishable(DefaultTopic, out var refusal))
            yield return new(nameof(DefaultTopic), $"{name(nameof(DefaultTopic))} must be a topic clients could publish on: {refusal.Message}");
    }

    /// <summary>Every problem, each as <c>{section}:{Setting} …</c> (appsettings, environment, command line).</summary>
    internal IEnumerable<string> Validate(string section) => Validate(setting => $"{section}:{setting}").Select(p => p.Message);
}

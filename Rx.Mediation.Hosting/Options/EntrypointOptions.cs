using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Options;

/// <summary>What every web entrypoint is configured with: its node name, its path, and optionally a port of its own.</summary>
public abstract class EntrypointOptions
{
    [Setting("Serves the entrypoint (appsettings only: in a file, an entrypoint is there or not).", InFile = false)]
    public bool Enabled { get; set; } = true;

    [Setting("The node name routes refer to (in a file, the entrypoint's key).", InFile = false)]
    public string Name { get; set; } = "";

    [Setting("The path it answers on; starts with `/`.")]
    public string Path { get; set; } = "";

    [Setting("A port of its own, besides the shared listener: the entrypoint then answers on that port only (a new one needs a restart).", Default = "the main listener's")]
    [AtLeast(0), AtMost(65535)]
    public int? Port { get; set; }

    [Setting("Topic used when a client names none; one clients could publish on.")]
    public string DefaultTopic { get; set; } = "events";

    [Setting("The longest topic or topic filter a client may give, in UTF-8 bytes (the other topic rules are in README's \"Entrypoints and status codes\").")]
    [AtLeast(1)]
    public int MaxTopicBytes { get; set; } = TopicRules.DefaultMaxBytes;

    /// <summary>Every problem of these settings, each naming its setting through <paramref name="name"/> (the key as the front door spells it).</summary>
    internal virtual IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        if (!Enabled) yield break;
        if (string.IsNullOrWhiteSpace(Name)) yield return new(nameof(Name), $"{name(nameof(Name))} must not be empty");
        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/')) yield return new(nameof(Path), $"{name(nameof(Path))} must start with '/', got '{Path}'");
        // The bounds every entrypoint type declares on its properties (SettingRules), its own included.
        foreach (var (setting, problem) in SettingRules.Problems(this)) yield return new(setting, $"{name(setting)} {problem}");
        if (MaxTopicBytes >= 1 && !new TopicRules(MaxTopicBytes).IsPublishable(DefaultTopic, out var refusal))
            yield return new(nameof(DefaultTopic), $"{name(nameof(DefaultTopic))} must be a topic clients could publish on: {refusal.Message}");
    }

    /// <summary>Every problem, each as <c>{section}:{Setting} …</c> (appsettings, environment, command line).</summary>
    internal IEnumerable<string> Validate(string section) => Validate(setting => $"{section}:{setting}").Select(p => p.Message);
}

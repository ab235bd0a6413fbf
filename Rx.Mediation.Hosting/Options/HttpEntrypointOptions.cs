namespace Rx.Mediation.Hosting.Options;

/// <summary>HTTP POST: one request body becomes one event.</summary>
public sealed class HttpEntrypointOptions : EntrypointOptions
{
    public HttpEntrypointOptions()
    {
        Name = "http";
        Path = "/events";
    }

    /// <summary>Largest accepted body; larger ones are answered 413, with or without Content-Length.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    internal override IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        foreach (var error in base.Validate(name)) yield return error;
        if (Enabled && MaxBodyBytes < 0) yield return new(nameof(MaxBodyBytes), $"{name(nameof(MaxBodyBytes))} must not be negative, got {MaxBodyBytes}");
    }
}

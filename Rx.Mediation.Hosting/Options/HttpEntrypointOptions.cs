using Rx.Mediation.Connectors.Settings;
namespace Rx.Mediation.Hosting.Options;

/// <summary>HTTP POST: one request body becomes one event.</summary>
public sealed class HttpEntrypointOptions : EntrypointOptions
{
    public HttpEntrypointOptions()
    {
        Name = "http";
        Path = "/events";
    }

    [Setting("Largest accepted body; larger ones are answered 413, with or without Content-Length.")]
    [AtLeast(0)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

namespace Rx.Mediation.Hosting.Options;

/// <summary>
/// The server cannot start with its settings: each problem is one line naming its key (<c>Mediation:Url</c>,
/// <c>Kestrel:Certificates:Default:Path</c>, …). <c>serve</c> prints them and exits with
/// <see cref="Cli.ExitCodes.StartupFailed"/>; it derives from InvalidOperationException, which embedders caught before.
/// </summary>
public sealed class SettingsException : InvalidOperationException
{
    public SettingsException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems)) => Problems = problems;

    public SettingsException(string problem)
        : this([problem])
    {
    }

    public IReadOnlyList<string> Problems { get; }
}

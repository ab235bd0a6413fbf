namespace Rx.Mediation.Server.Cli;

/// <summary>What the executable exits with (documented in docs/configuration.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A configuration file with errors (each printed as file:line:column), or failed route tests.</summary>
    public const int InvalidFile = 1;

    /// <summary>The server could not start: a malformed setting, a bad or unusable URL, a port in use, a missing file or certificate.</summary>
    public const int StartupFailed = 2;

    /// <summary>A command used wrongly (sysexits' EX_USAGE).</summary>
    public const int Usage = 64;
}

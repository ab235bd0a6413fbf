namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// Where the server's packet log writes: <see cref="Console.Out"/> unless a test (or an embedding host) registers its
/// own before the server is built, e.g. <c>builder.Web.Services.AddSingleton(new PacketLogOutput(writer))</c>.
/// </summary>
public sealed record PacketLogOutput(TextWriter Writer)
{
    /// <summary>Standard output, shared (and synchronized) with the JSON console logger.</summary>
    public static PacketLogOutput StandardOutput => new(Console.Out);
}

using Rx.Mediation.Testing;

namespace Rx.Mediation.Config.Specs;

/// <summary>A configuration file in a directory of its own, and the server started from it.</summary>
internal sealed class ConfigFiles : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("rx-config-");

    public ConfigFiles(string yaml)
    {
        Path = System.IO.Path.Combine(_directory.FullName, "config.yaml");
        Write(yaml);
    }

    public string Path { get; }

    /// <summary>Replaces the file the way editors do: write a temporary file, then rename it over the old one.</summary>
    public void Write(string yaml)
    {
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, yaml);
        File.Move(temporary, Path, overwrite: true);
    }

    public Task<RunningServer> StartAsync(Action<Rx.Mediation.Hosting.MediationServerBuilder>? configure = null) =>
        RunningServer.StartAsync(["--config", Path], configure);

    /// <summary>Started with more command-line settings, which win over the file's.</summary>
    public Task<RunningServer> StartAsync(string[] settings) => RunningServer.StartAsync(["--config", Path, .. settings]);

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still hold the directory for a moment; the temp folder is cleaned by the OS.
        }
    }
}

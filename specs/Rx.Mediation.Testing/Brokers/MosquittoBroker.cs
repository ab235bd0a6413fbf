using System.Diagnostics;

namespace Rx.Mediation.Testing;

/// <summary>
/// A private Eclipse Mosquitto broker on a free loopback port (Debian's <c>mosquitto</c> package), with its own
/// configuration and persistence directory, so a test can stop and start it again on the same port. Optional
/// password file for credential tests. Also runs the independent CLI clients <c>mosquitto_pub</c>/<c>mosquitto_sub</c>.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _config;
    private ExternalProcess? _process;

    private MosquittoBroker(string directory, string config, int port, int? tlsPort)
    {
        _directory = directory;
        _config = config;
        Port = port;
        TlsPort = tlsPort;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>The TLS listener's port, when started with certificates.</summary>
    public int? TlsPort { get; }

    public string Output => _process?.Output ?? "";

    /// <summary>Starts a broker; <paramref name="user"/>/<paramref name="password"/> turn anonymous access off.</summary>
    /// <param name="persistent">Keep sessions and queued messages across a graceful restart (persistence file).</param>
    /// <param name="tls">Adds a TLS listener (<see cref="TlsPort"/>) with this server certificate, beside the plain one.</param>
    /// <param name="requireClientCertificate">The TLS listener accepts only clients with a certificate its CA signed.</param>
    public static async Task<MosquittoBroker> StartAsync(string? user = null, string? password = null, bool persistent = false, TestCertificates? tls = null, bool requireClientCertificate = false)
    {
        var directory = Directory.CreateTempSubdirectory("rx-mosquitto-").FullName;
        var port = FreePort.Next();
        var lines = new List<string>
        {
            $"listener {port} 127.0.0.1",
            $"allow_anonymous {(user is null ? "true" : "false")}",
            $"persistence {(persistent ? "true" : "false")}",
            $"persistence_location {directory}/",
            "max_queued_messages 0",
            "max_inflight_messages 0",
            "log_dest stdout",
            // Started as root, mosquitto would switch to the 'mosquitto' user, who cannot read this private directory.
            "user root",
        };
        if (user is not null)
        {
            var passwordFile = Path.Combine(directory, "passwd");
            var (code, output) = await RunToolAsync("mosquitto_passwd", ["-c", "-b", passwordFile, user, password ?? ""]);
            if (code != 0) throw new BrokerUnavailableException("mosquitto", $"mosquitto_passwd failed with {code}", output);
            lines.Add($"password_file {passwordFile}");
        }
        int? tlsPort = null;
        if (tls is not null)
        {
            tlsPort = FreePort.Next();
            lines.AddRange(
            [
                $"listener {tlsPort} 127.0.0.1",
                $"cafile {tls.CaFile}",
                $"certfile {tls.ServerCertFile}",
                $"keyfile {tls.ServerKeyFile}",
                $"require_certificate {(requireClientCertificate ? "true" : "false")}",
            ]);
        }
        var config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllLinesAsync(config, lines);
        var broker = new MosquittoBroker(directory, config, port, tlsPort);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Starts the broker process again on the same port and configuration.</summary>
    public async Task StartProcessAsync()
    {
        var binary = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        try
        {
            _process = ExternalProcess.Start(binary, ["-c", _config]);
        }
        catch (InvalidOperationException ex)
        {
            throw new BrokerUnavailableException("mosquitto", ex.Message);
        }
        foreach (var port in TlsPort is { } tlsPort ? [Port, tlsPort] : new[] { Port })
        {
            if (await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(20))) continue;
            var output = _process.Output;
            _process.Kill();
            throw new BrokerUnavailableException("mosquitto", $"it did not listen on 127.0.0.1:{port} within 20 s", output);
        }
    }

    /// <summary>A hard crash: SIGKILL, nothing saved.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>SIGTERM: the broker closes its connections and saves its persistence file, as a restart would.</summary>
    public async Task StopGracefullyAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        try
        {
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
    }

    /// <summary>mosquitto_pub -V mqttv5 with extra arguments (topic, message, -D properties…).</summary>
    public async Task PublishAsync(params string[] arguments)
    {
        var (code, output) = await RunToolAsync("mosquitto_pub", ["-V", "mqttv5", "-h", Host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);
        code.ShouldBe(0, $"mosquitto_pub failed: {output}");
    }

    /// <summary>Starts mosquitto_sub -V mqttv5 printing <c>topic|payload|user properties|content type|response topic|correlation data|expiry</c> per line.</summary>
    public ExternalProcess Subscribe(params string[] arguments) =>
        ExternalProcess.Start("mosquitto_sub", ["-V", "mqttv5", "-h", Host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-F", "%t|%p|%P|%C|%R|%D|%E", .. arguments]);

    /// <summary>Runs mosquitto_sub to completion (use -C count and/or -W seconds) and returns its lines.</summary>
    public async Task<IReadOnlyList<string>> SubscribeUntilDoneAsync(TimeSpan timeout, params string[] arguments)
    {
        var (_, output) = await ExternalProcess.RunAsync("mosquitto_sub",
            ["-V", "mqttv5", "-h", Host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-F", "%t|%p", .. arguments], timeout);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
    }

    /// <summary>
    /// Waits until a mosquitto_sub started with <see cref="Subscribe"/> receives: publishes probes on
    /// <paramref name="probeTopic"/> (inside its filter) until one shows in its output (the broker's log is buffered).
    /// </summary>
    public async Task WaitUntilSubscribedAsync(ExternalProcess subscriber, string probeTopic)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!subscriber.Lines.Any(l => l.StartsWith(probeTopic + "|probe", StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline || subscriber.HasExited) throw new ShouldAssertException($"mosquitto_sub did not receive a probe on {probeTopic}: {subscriber.Output}");
            await PublishAsync("-t", probeTopic, "-m", "probe", "-q", "1");
            await subscriber.WaitForOutputAsync(l => l.StartsWith(probeTopic + "|probe", StringComparison.Ordinal), TimeSpan.FromMilliseconds(500));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Task<(int ExitCode, string Output)> RunToolAsync(string tool, string[] arguments)
    {
        try
        {
            return ExternalProcess.RunAsync(tool, arguments, TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException ex)
        {
            throw new BrokerUnavailableException("mosquitto", ex.Message);
        }
    }
}

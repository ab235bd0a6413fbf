using System.Diagnostics;
using System.Net.Sockets;

namespace Rx.Mediation.Testing.Brokers;

/// <summary>
/// A PRIVATE RabbitMQ node (Debian's rabbitmq-server 3.10) for one test run: its own node name, ports, data, logs and
/// Erlang cookie under a fresh directory, so concurrent runs and the machine's default node never collide.
/// </summary>
/// <remarks>
/// How to use (e.g. from an xunit collection fixture):
/// <code>
/// await using var broker = await RabbitMqBroker.StartAsync();          // amqp10Plugin: true by default
/// broker.Uri        // "amqp://guest:guest@127.0.0.1:PORT/" (RabbitMQ.Client; "/" = default vhost)
/// broker.CliUri     // "amqp://guest:guest@127.0.0.1:PORT"  (amqp-tools: a trailing "/" there means the EMPTY vhost)
/// broker.AmqpPort   // AMQP 0-9-1 port; the rabbitmq_amqp1_0 plugin listens on the SAME port
/// await broker.KillAsync();      // hard kill of the Erlang VM (crash simulation)
/// await broker.RestartAsync();   // same node name, ports and data dir: durable queues and persistent messages survive
/// var (code, output) = await broker.CtlAsync("list_queues", "name", "messages");
/// </code>
/// Why it runs /usr/lib/rabbitmq/bin/rabbitmq-server rather than /usr/sbin/rabbitmq-server: the /usr/sbin wrapper, run as
/// root, switches to the rabbitmq user with `su`, which then needs the directory chowned to rabbitmq and puts a shell
/// between us and the VM. Running the real script as the current user with HOME set to the private directory keeps the
/// node a direct child (a tree kill really crashes it) and gives it a private Erlang cookie that <see cref="CtlAsync"/>
/// shares by using the same HOME. Boot takes ~5 s idle and up to ~90 s on a loaded machine: readiness is
/// `rabbitmqctl await_startup` (retried, because it fails while the node is not yet registered with epmd) and then a
/// TCP connect to the AMQP port. A run that crashed without disposing leaves a directory with owner.pid: the next start
/// kills that node by its pid and removes the directory.
/// </remarks>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    private const string DirectoryPrefix = "rxm-rabbitmq-";
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string CtlScript = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(150);

    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;
    private ExternalProcess? _process;

    private RabbitMqBroker(string directory, string nodeName, int amqpPort, int distributionPort, Dictionary<string, string> environment, int? tlsPort = null)
    {
        TlsPort = tlsPort;
        _directory = directory;
        NodeName = nodeName;
        AmqpPort = amqpPort;
        DistributionPort = distributionPort;
        _environment = environment;
    }

    /// <summary>The AMQP 0-9-1 port (and AMQP 1.0 when the plugin is enabled).</summary>
    public int AmqpPort { get; }

    public int DistributionPort { get; }

    /// <summary>The TLS listener's port (AMQP 0-9-1 and, with the plugin, AMQP 1.0), when started with certificates.</summary>
    public int? TlsPort { get; }

    /// <summary>Unique per run, e.g. rxm1a2b3c4d@localhost.</summary>
    public string NodeName { get; }

    /// <summary>For RabbitMQ.Client: the trailing "/" selects the default vhost.</summary>
    public string Uri => $"amqp://guest:guest@127.0.0.1:{AmqpPort}/";

    /// <summary>For amqp-tools (librabbitmq), which reads a trailing "/" as the empty vhost name.</summary>
    public string CliUri => $"amqp://guest:guest@127.0.0.1:{AmqpPort}";

    public string DataDirectory => _directory;

    /// <summary>False after <see cref="KillAsync"/> until <see cref="RestartAsync"/>, or if the node died.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The broker's console output so far (log files are under <see cref="DataDirectory"/>/log).</summary>
    public string Output => _process?.Output ?? "";

    /// <param name="tls">Adds a TLS listener (<see cref="TlsPort"/>) with this server certificate; clients must present a certificate the CA signed.</param>
    public static async Task<RabbitMqBroker> StartAsync(bool amqp10Plugin = true, TestCertificates? tls = null)
    {
        if (!File.Exists(ServerScript) || !File.Exists(CtlScript))
        {
            throw new BrokerUnavailableException("RabbitMQ", $"{ServerScript} not found (Debian package rabbitmq-server)");
        }
        CleanLeftovers();
        var runId = Guid.NewGuid().ToString("N")[..10];
        var directory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + runId);
        Directory.CreateDirectory(Path.Combine(directory, "mnesia"));
        Directory.CreateDirectory(Path.Combine(directory, "log"));
        await File.WriteAllTextAsync(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString());
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), amqp10Plugin ? "[rabbitmq_amqp1_0].\n" : "[].\n");
        var amqpPort = FreePort.Next();
        int distributionPort;
        do distributionPort = FreePort.Next(); while (distributionPort == amqpPort);
        // loopback_users = none: guest may log in (it may by default on loopback too; this keeps 127.0.0.1 vs ::1 moot).
        var config = $"listeners.tcp.default = {amqpPort}\nloopback_users = none\n";
        int? tlsPort = null;
        if (tls is not null)
        {
            do tlsPort = FreePort.Next(); while (tlsPort == amqpPort || tlsPort == distributionPort);
            config += $"listeners.ssl.default = {tlsPort}\nssl_options.cacertfile = {tls.CaFile}\nssl_options.certfile = {tls.ServerCertFile}\n"
                + $"ssl_options.keyfile = {tls.ServerKeyFile}\nssl_options.verify = verify_peer\nssl_options.fail_if_no_peer_cert = true\n";
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"), config);
        var nodeName = $"rxm{runId}@localhost";
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = directory,
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_NODE_PORT"] = amqpPort.ToString(),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(directory, "node.pid"),
        };
        var broker = new RabbitMqBroker(directory, nodeName, amqpPort, distributionPort, environment, tlsPort);
        try
        {
            await broker.BootAsync();
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        return broker;
    }

    /// <summary>
    /// Hard-kills the node (SIGKILL to the VM and its helpers): unconfirmed work is lost as in a crash. Queue and exchange
    /// definitions are synced to disk first: Mnesia writes its transaction log lazily, and a queue a spec declared a
    /// moment before the kill was sometimes gone after the restart on a loaded machine (RabbitMQ's own behaviour, not
    /// what the specs are about: they test what the engine does with messages).
    /// </summary>
    public async Task KillAsync()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        await ExternalProcess.RunAsync(CtlScript, ["-n", NodeName, "eval", "mnesia:sync_log()."], TimeSpan.FromSeconds(60), _environment);
        await Task.Run(process.Kill);
        await process.DisposeAsync();
        await WaitUntilClosedAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Starts the node again on the same ports with the same data (kills it first if it is still running).</summary>
    public async Task RestartAsync()
    {
        if (_process is not null) await KillAsync();
        await BootAsync();
    }

    /// <summary>Runs rabbitmqctl against this node; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> CtlAsync(params string[] args)
    {
        return await ExternalProcess.RunAsync(CtlScript, ["-n", NodeName, .. args], TimeSpan.FromSeconds(90), _environment);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                await ExternalProcess.RunAsync(CtlScript, ["-n", NodeName, "stop"], TimeSpan.FromSeconds(30), _environment);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                // stop is a courtesy: the kill below ends it anyway.
            }
            await KillAsync();
        }
        KillNodeByPidFile(_directory);
        TryDelete(_directory);
    }

    private async Task BootAsync()
    {
        _process = ExternalProcess.Start(ServerScript, [], _environment, workingDirectory: _directory);
        var deadline = DateTime.UtcNow + BootTimeout;
        string lastCtl = "";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new BrokerUnavailableException("RabbitMQ", $"node {NodeName} exited during boot", _process.Output + ReadStartupLog());
            }
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new BrokerUnavailableException("RabbitMQ", $"node {NodeName} did not finish booting within {BootTimeout.TotalSeconds:0} s (last rabbitmqctl: {lastCtl.Trim()})", _process.Output + ReadStartupLog());
            }
            try
            {
                var seconds = Math.Max(5, (int)Math.Min(30, remaining.TotalSeconds));
                var (code, output) = await ExternalProcess.RunAsync(CtlScript, ["-n", NodeName, "await_startup", "-t", seconds.ToString()],
                    TimeSpan.FromSeconds(seconds + 30), _environment);
                lastCtl = output;
                if (code == 0) break;
            }
            catch (TimeoutException ex)
            {
                lastCtl = ex.Message;
            }
            await Task.Delay(500);
        }
        foreach (var port in TlsPort is { } tlsPort ? [AmqpPort, tlsPort] : new[] { AmqpPort })
        {
            if (!await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30)))
                throw new BrokerUnavailableException("RabbitMQ", $"node {NodeName} booted but does not accept connections on 127.0.0.1:{port}", _process.Output + ReadStartupLog());
        }
    }

    private async Task WaitUntilClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, AmqpPort);
            }
            catch (SocketException)
            {
                return;
            }
            await Task.Delay(100);
        }
    }

    private string ReadStartupLog()
    {
        try
        {
            var logs = Directory.GetFiles(Path.Combine(_directory, "log"), "*.log");
            return string.Concat(logs.Select(f => $"\n--- {Path.GetFileName(f)} (tail) ---\n" + Tail(File.ReadAllText(f), 4000)));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string Tail(string text, int length) => text.Length <= length ? text : text[^length..];

    /// <summary>Nodes whose test process is gone (a crashed or killed run) are killed by pid and their directory removed.</summary>
    private static void CleanLeftovers()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            try
            {
                var ownerFile = Path.Combine(directory, "owner.pid");
                if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile), out var owner)) continue;
                if (IsAlive(owner)) continue;
                KillNodeByPidFile(directory);
                TryDelete(directory);
            }
            catch (IOException)
            {
                // another run may be cleaning the same directory.
            }
        }
    }

    private static void KillNodeByPidFile(string directory)
    {
        var pidFile = Path.Combine(directory, "node.pid");
        try
        {
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) return;
            using var process = Process.GetProcessById(pid);
            if (process.ProcessName.StartsWith("beam", StringComparison.Ordinal)) process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // already gone.
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // a node still writing its last log line: the next run's CleanLeftovers does not touch it (no dead owner yet), tmp reaping does.
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Rx.Mediation.Soak;

/// <summary>The server under soak: a child process on a free loopback port, its resident memory and its /metrics.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public static async Task<ServerProcess> StartAsync(string serverDll)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { serverDll, $"--Mediation:Url=http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("the server did not start");
        // Its log is not the soak's output; read it so the pipe never fills and blocks the server.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited with {process.ExitCode} before it was ready");
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("the server was not ready within 30 s");
            await Task.Delay(100);
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Resident set size in bytes, from /proc (Linux), or 0 once the process is gone.</summary>
    public long ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>Every non-zero sample of a counter family in /metrics, e.g. <c>rx_mediation_route_drops_total</c>.</summary>
    public async Task<IReadOnlyList<(string Labels, double Value)>> CountersAsync(HttpClient http, string family)
    {
        var text = await http.GetStringAsync(new Uri(BaseUri, "/metrics"));
        var result = new List<(string, double)>();
        foreach (Match match in Sample().Matches(text))
        {
            if (match.Groups["name"].Value != family) continue;
            var value = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (value != 0) result.Add((match.Groups["labels"].Value, value));
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited) return;
        // SIGTERM: the server drains and exits on its own.
        Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}

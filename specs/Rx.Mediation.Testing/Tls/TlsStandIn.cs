using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Rx.Mediation.Testing;

/// <summary>
/// A TLS listener that completes handshakes with a test server certificate and then closes, recording each one. It
/// stands in for a broker's TLS listener where no such broker can run here (the Kafka mock cluster listens in plain
/// text only): it proves what a client sends and checks in the handshake, not the protocol after it.
/// </summary>
public sealed class TlsStandIn : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Handshake> _handshakes = new();
    private readonly Task _accepting;

    private TlsStandIn(TestCertificates certificates)
    {
        _certificate = X509Certificate2.CreateFromPemFile(certificates.ServerCertFile, certificates.ServerKeyFile);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<Handshake> Handshakes => [.. _handshakes];

    public static TlsStandIn Start(TestCertificates certificates) => new(certificates);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => HandshakeAsync(client));
        }
    }

    private async Task HandshakeAsync(TcpClient client)
    {
        using (client)
        {
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, timeout.Token);
                _handshakes.Enqueue(new Handshake(true, tls.RemoteCertificate?.Subject, tls.TargetHostName, null));
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                _handshakes.Enqueue(new Handshake(false, null, null, ex.Message));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _certificate.Dispose();
    }

    /// <param name="Completed">The client accepted the certificate and finished the handshake.</param>
    /// <param name="ClientCertificate">The subject of the certificate the client offered, if any.</param>
    /// <param name="ServerName">The name the client asked for (SNI).</param>
    public sealed record Handshake(bool Completed, string? ClientCertificate, string? ServerName, string? Failure);
}

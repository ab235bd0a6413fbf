using System.Security.Authentication;
using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Amqp;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>How a failed connection attempt is worded for health details.</summary>
public sealed class AmqpConnectorSpecs : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rxm-amqp-connector-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_certificate_required_alert_without_a_client_certificate_names_the_settings_that_give_one()
    {
        var connector = Connector(new AmqpSettings { Tls = { CaFile = WriteCa() } });

        var reason = connector.Describe(new AuthenticationException("error:0A00045C:SSL routines::tlsv13 alert certificate required"));

        reason.ShouldBe("TLS handshake failed: error:0A00045C:SSL routines::tlsv13 alert certificate required (the broker asks for a client certificate: set Mediation:Endpoints:spec:Tls:CertFile and Mediation:Endpoints:spec:Tls:KeyFile)");
    }

    [Fact]
    public void A_refused_connection_is_the_socket_error()
    {
        var connector = Connector(new AmqpSettings());

        connector.Describe(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)).ShouldBe("Connection refused");
    }

    private static AmqpConnector Connector(AmqpSettings settings)
    {
        return new AmqpConnector("spec", settings, settings.Tls.ToOptions("spec", "Mediation:Endpoints:spec"));
    }

    private string WriteCa() => SelfSignedPem.Write(_directory, "ca").Certificate;
}

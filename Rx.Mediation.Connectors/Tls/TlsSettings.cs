using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rx.Mediation.Connectors.Settings;

namespace Rx.Mediation.Connectors.Tls;

/// <summary>
/// TLS to a broker, the section <c>Tls</c> of an endpoint's settings (in YAML <c>tls:</c>), alike for every connector:
/// <code>
/// "Tls": { "CaFile": "/etc/rx/ca.pem", "CertFile": "/etc/rx/client.pem", "KeyFile": "/etc/rx/client.key" }
/// </code>
/// TLS is on when <see cref="Enabled"/> is true, when a file is given, or when the endpoint's address says so
/// (<c>amqps://</c>, <c>ssl://</c>); <c>Enabled: false</c> turns it off whatever else is set.
/// </summary>
public sealed class TlsSettings
{
    [Setting("`true` turns TLS on with the system's trusted authorities; `false` turns it off (an error if the address asks for TLS).",
        Default = "on when a file below is set or the address asks for TLS (`amqps://`, Kafka `SecurityProtocol: ssl`/`sasl_ssl`)")]
    public bool? Enabled { get; set; }

    [Setting("PEM file of the authorities the broker's certificate must chain to. Only these are trusted when it is set.", Default = "the system's authorities")]
    public string? CaFile { get; set; }

    [Setting("PEM client certificate, offered to brokers that ask for one; with `KeyFile` (both or neither).")]
    public string? CertFile { get; set; }

    [Setting("The client certificate's private key, PEM (PKCS#8 or the key's own format); with `CertFile` (both or neither).")]
    public string? KeyFile { get; set; }

    [Setting("The broker's certificate must name the host connected to (or `ServerName`). Turn it off only for a broker reached by an address its certificate does not carry.")]
    public bool CheckHostname { get; set; } = true;

    [Setting("The name to expect in the certificate and to send as SNI. Not supported for Kafka (librdkafka checks the host it connects to).", Default = "the host connected to")]
    public string? ServerName { get; set; }

    /// <summary>Whether TLS is on by these settings alone (not counting an address that asks for it).</summary>
    public bool IsOn => Enabled ?? (!string.IsNullOrWhiteSpace(CaFile) || !string.IsNullOrWhiteSpace(CertFile) || !string.IsNullOrWhiteSpace(KeyFile));

    /// <summary>Checks the files and returns what connections need, or null when TLS is off.</summary>
    /// <param name="impliedByAddress">The endpoint's address asks for TLS (<c>amqps://</c>, <c>ssl://</c>).</param>
    public BrokerTls? ToOptions(EndpointContext context, bool impliedByAddress = false) => ToOptions(context.Name, context.Key, impliedByAddress);

    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="endpointKey">The endpoint's configuration key, e.g. <c>Mediation:Endpoints:orders</c>.</param>
    /// <param name="impliedByAddress">The endpoint's address asks for TLS (<c>amqps://</c>, <c>ssl://</c>).</param>
    public BrokerTls? ToOptions(string endpoint, string endpointKey, bool impliedByAddress = false)
    {
        var key = $"{endpointKey}:Tls";
        EndpointConfigurationException Bad(string setting, string problem) => new(endpoint, $"{key}:{setting}", problem);

        if (Enabled == false && impliedByAddress) throw Bad(nameof(Enabled), "is false, but the endpoint's address asks for TLS");
        if (!(IsOn || impliedByAddress)) return null;

        X509Certificate2Collection? trust = null;
        if (!string.IsNullOrWhiteSpace(CaFile))
        {
            RequireFile(CaFile, nameof(CaFile));
            trust = new X509Certificate2Collection();
            try
            {
                trust.ImportFromPemFile(CaFile);
            }
            catch (CryptographicException ex)
            {
                throw Bad(nameof(CaFile), $"'{CaFile}' is not a PEM certificate file: {ex.Message}");
            }
            if (trust.Count == 0) throw Bad(nameof(CaFile), $"'{CaFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        X509Certificate2? client = null;
        if (string.IsNullOrWhiteSpace(CertFile) != string.IsNullOrWhiteSpace(KeyFile))
            throw Bad(string.IsNullOrWhiteSpace(CertFile) ? nameof(CertFile) : nameof(KeyFile), "is required with the other: a client certificate needs its certificate file and its key file");
        if (!string.IsNullOrWhiteSpace(CertFile))
        {
            RequireFile(CertFile, nameof(CertFile));
            RequireFile(KeyFile!, nameof(KeyFile));
            try
            {
                client = X509Certificate2.CreateFromPemFile(CertFile, KeyFile);
            }
            catch (CryptographicException ex)
            {
                throw Bad(nameof(CertFile), $"'{CertFile}' with key '{KeyFile}' is not a PEM certificate and its private key: {ex.Message}");
            }
        }

        return new BrokerTls(endpoint, key, trust, CaFile, client, CheckHostname, string.IsNullOrWhiteSpace(ServerName) ? null : ServerName.Trim())
        {
            CertFile = client is null ? null : CertFile,
            KeyFile = client is null ? null : KeyFile,
        };

        void RequireFile(string path, string setting)
        {
            if (!File.Exists(path)) throw Bad(setting, $"names '{path}', which does not exist or cannot be read");
        }
    }
}

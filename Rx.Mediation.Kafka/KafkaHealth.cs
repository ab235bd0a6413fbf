using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Kafka;

/// <summary>
/// Turns what librdkafka reports (error callbacks, metadata probes) into the endpoint's health. librdkafka reconnects by
/// itself and never says "connected again", so a periodic metadata request is what brings the endpoint back to Healthy.
/// The detail keeps the last connection error, e.g. "Connect to ipv4#127.0.0.1:1 failed: Connection refused".
/// </summary>
internal sealed class KafkaHealth(string endpoint, string bootstrap, Action<NodeHealth, string?> report, EndpointCounters counters, ILogger logger, Connectors.Tls.BrokerTls? tls = null)
{
    private readonly object _gate = new();
    private NodeHealth _state = NodeHealth.Starting;
    private string? _lastError;
    private bool _wasHealthy;

    public NodeHealth State
    {
        get { lock (_gate) return _state; }
    }

    public void Starting() => Set(NodeHealth.Starting, $"connecting to Kafka at {bootstrap}");

    /// <summary>From the producer's and consumer's error handlers (librdkafka's own threads).</summary>
    public void OnError(string client, Error error)
    {
        if (error.IsFatal)
        {
            Set(NodeHealth.Unhealthy, $"Kafka {client} failed: {error.Reason} ({error.Code})");
            return;
        }
        if (tls is not null && (error.Code == ErrorCode.Local_Ssl || error.Reason.Contains("SSL handshake failed", StringComparison.Ordinal)))
        {
            var detail = $"TLS to endpoint '{endpoint}' refused at {bootstrap}: {error.Reason} (the broker's certificate is checked against "
                + (tls.CaFile is null ? "this system's authorities; set " + tls.SettingsKey + ":CaFile" : $"{tls.SettingsKey}:CaFile ('{tls.CaFile}')")
                + (tls.CheckHostname ? $", and its name unless {tls.SettingsKey}:CheckHostname is false)" : ")");
            // Kept as the last error: "all brokers down", which follows, then still says why.
            lock (_gate) _lastError = detail;
            Set(NodeHealth.Unhealthy, detail);
            return;
        }
        switch (error.Code)
        {
            case ErrorCode.Local_AllBrokersDown:
                Set(NodeHealth.Unhealthy, $"all Kafka brokers are down ({bootstrap}){LastErrorSuffix()}");
                break;
            case ErrorCode.Local_Transport or ErrorCode.Local_Resolve or ErrorCode.Local_Authentication or ErrorCode.Local_Ssl
                or ErrorCode.TopicAuthorizationFailed or ErrorCode.GroupAuthorizationFailed or ErrorCode.SaslAuthenticationFailed:
                lock (_gate) _lastError = error.Reason;
                if (error.Code is ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed or ErrorCode.Local_Ssl)
                    Set(NodeHealth.Unhealthy, $"Kafka at {bootstrap} refused the credentials: {error.Reason}");
                else if (State == NodeHealth.Healthy)
                    Set(NodeHealth.Degraded, $"reconnecting to Kafka at {bootstrap}: {error.Reason}");
                else
                    Set(NodeHealth.Unhealthy, $"cannot reach Kafka at {bootstrap}: {error.Reason}");
                break;
            default:
                logger.LogWarning("Kafka endpoint '{Endpoint}' {Client}: {Reason} ({Code})", endpoint, client, error.Reason, error.Code);
                break;
        }
    }

    /// <summary>A metadata request answered: the cluster is reachable.</summary>
    public void OnReachable()
    {
        bool reconnected;
        lock (_gate)
        {
            if (_state == NodeHealth.Healthy) return;
            reconnected = _wasHealthy;
            _wasHealthy = true;
            _lastError = null;
        }
        if (reconnected) counters.CountReconnect();
        Set(NodeHealth.Healthy, null);
    }

    /// <summary>A metadata request failed or timed out.</summary>
    public void OnUnreachable(string reason)
    {
        var state = State;
        if (state == NodeHealth.Healthy) Set(NodeHealth.Degraded, $"reconnecting to Kafka at {bootstrap}: {reason}");
        else if (state != NodeHealth.Unhealthy || !HasDetail()) Set(NodeHealth.Unhealthy, $"cannot reach Kafka at {bootstrap}: {LastErrorOr(reason)}");
    }

    public void Stopped() => Set(NodeHealth.Stopped, null);

    private bool HasDetail()
    {
        lock (_gate) return _lastError is not null;
    }

    private string LastErrorOr(string reason)
    {
        lock (_gate) return _lastError ?? reason;
    }

    private string LastErrorSuffix()
    {
        lock (_gate) return _lastError is null ? "" : ": " + _lastError;
    }

    private void Set(NodeHealth state, string? detail)
    {
        NodeHealth previous;
        lock (_gate)
        {
            previous = _state;
            _state = state;
        }
        report(state, detail);
        if (previous != state)
        {
            if (state is NodeHealth.Unhealthy or NodeHealth.Degraded)
                logger.LogWarning("Kafka endpoint '{Endpoint}' is {State}: {Detail}", endpoint, state, detail);
            else
                logger.LogInformation("Kafka endpoint '{Endpoint}' is {State}", endpoint, state);
        }
    }
}

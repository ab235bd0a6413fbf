using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// MQTTnet (the client the endpoint uses) publishing from a plain loop with the MQTT endpoint's defaults: MQTT 5, QoS 1, TCP_NODELAY, at most <c>MaxInFlight</c> =
/// 1,000 PUBACKs outstanding, a content-type property on every message.
/// </summary>
internal sealed class DirectMqtt : IDisposable
{
    private const int MaxInFlight = 1_000;
    private const int Qos = 1;

    private readonly IMqttClient _client;
    private readonly SemaphoreSlim _window = new(MaxInFlight, MaxInFlight);
    private long _acknowledged;
    private long _failed;

    public DirectMqtt(string host, int port)
    {
        // The endpoint's connection defaults: MQTT 5, clean start, 30 s keep-alive, receive maximum 100.
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"rx-bench-direct-{Guid.NewGuid():N}")
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithReceiveMaximum(100)
            .Build();
        _client = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var result = _client.ConnectAsync(options, timeout.Token).GetAwaiter().GetResult();
        if (result.ResultCode != MqttClientConnectResultCode.Success) throw new InvalidOperationException($"MQTT connect refused: {result.ResultCode} {result.ReasonString}");
    }

    public Throughput Publish(string topic, int count, byte[] payload)
    {
        Interlocked.Exchange(ref _acknowledged, 0);
        Interlocked.Exchange(ref _failed, 0);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)Qos)
            .WithContentType("text/plain; charset=utf-8")
            .Build();
        var publishes = new List<Task>(count);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            _window.Wait();
            publishes.Add(PublishOneAsync(message));
        }
        if (!Task.WhenAll(publishes).Wait(TimeSpan.FromMinutes(2))) throw new TimeoutException($"Mosquitto acknowledged {_acknowledged} of {count} within 2 minutes");
        watch.Stop();
        return new Throughput("direct", Interlocked.Read(ref _acknowledged), watch.Elapsed, Interlocked.Read(ref _failed));
    }

    private async Task PublishOneAsync(MqttApplicationMessage message)
    {
        try
        {
            var result = await _client.PublishAsync(message).ConfigureAwait(false);
            if ((int)result.ReasonCode < 0x80) Interlocked.Increment(ref _acknowledged);
            else Interlocked.Increment(ref _failed);
        }
        finally
        {
            _window.Release();
        }
    }

    public void Dispose()
    {
        _client.DisconnectAsync(new MqttClientDisconnectOptions()).GetAwaiter().GetResult();
        _client.Dispose();
    }
}

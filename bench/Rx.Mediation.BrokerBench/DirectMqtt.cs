using System.Diagnostics;
using Rx.Mediation.Server.Endpoints.Mqtt;
using Rx.Mediation.Server.Endpoints.Mqtt.Native;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// libmosquitto (through the endpoint's own <see cref="MosquittoClient"/> P/Invoke layer) publishing from a plain
/// loop with the MQTT endpoint's defaults: MQTT 5, QoS 1, TCP_NODELAY, send maximum and in-flight window
/// <c>MaxInFlight</c> = 1,000 PUBACKs outstanding, a content-type property on every message.
/// </summary>
internal sealed class DirectMqtt : IDisposable
{
    private const int MaxInFlight = 1_000;
    private const int Qos = 1;

    private readonly MosquittoClient _client;
    private readonly SemaphoreSlim _window = new(MaxInFlight, MaxInFlight);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _acknowledged;
    private long _failed;
    private long _target = long.MaxValue;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DirectMqtt(string host, int port)
    {
        _client = new MosquittoClient($"rx-bench-direct-{Guid.NewGuid():N}", cleanStart: true);
        _client.SetInflight(MaxInFlight, 100);
        _client.Connected = (code, reason) =>
        {
            if (code == 0) _connected.TrySetResult();
            else _connected.TrySetException(new InvalidOperationException($"MQTT connect refused: {reason}"));
        };
        _client.Published = OnPublished;
        var (rc, errno) = _client.Connect(host, port, 30, 0);
        if (rc != 0) throw new InvalidOperationException($"MQTT connect failed: {MosquittoErrors.Describe(rc, errno)}");
        _client.StartLoop();
        if (!_connected.Task.Wait(TimeSpan.FromSeconds(20))) throw new TimeoutException("MQTT connect timed out");
    }

    private void OnPublished(int mid, int reasonCode)
    {
        if (reasonCode < 0x80) Interlocked.Increment(ref _acknowledged);
        else Interlocked.Increment(ref _failed);
        _window.Release();
        if (Interlocked.Read(ref _acknowledged) + Interlocked.Read(ref _failed) == Interlocked.Read(ref _target)) _done.TrySetResult();
    }

    public Throughput Publish(string topic, int count, byte[] payload)
    {
        Interlocked.Exchange(ref _acknowledged, 0);
        Interlocked.Exchange(ref _failed, 0);
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _target, count);
        var properties = new MqttProperties { ContentType = "text/plain; charset=utf-8" };
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            _window.Wait();
            var (rc, _) = _client.Publish(topic, payload, Qos, retain: false, properties);
            if (rc != 0) throw new InvalidOperationException($"mosquitto_publish_v5: {MosquittoErrors.Describe(rc)}");
        }
        if (!_done.Task.Wait(TimeSpan.FromMinutes(2))) throw new TimeoutException($"Mosquitto acknowledged {_acknowledged} of {count} within 2 minutes");
        watch.Stop();
        Interlocked.Exchange(ref _target, long.MaxValue);
        return new Throughput("direct", Interlocked.Read(ref _acknowledged), watch.Elapsed, Interlocked.Read(ref _failed));
    }

    public void Dispose()
    {
        _client.Disconnect();
        _client.StopLoop(force: false);
        _client.Dispose();
    }
}

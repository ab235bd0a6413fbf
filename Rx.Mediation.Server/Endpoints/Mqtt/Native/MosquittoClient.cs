using System.Runtime.InteropServices;

namespace Rx.Mediation.Server.Endpoints.Mqtt.Native;

/// <summary>
/// One libmosquitto client handle speaking MQTT 5, with its callbacks as managed delegates. The native callbacks run
/// on libmosquitto's network thread (<see cref="StartLoop"/>); the delegates are fields so the GC keeps them alive
/// for as long as the handle can call them. Nothing here decides policy: <see cref="MqttEndpoint"/> does.
/// </summary>
internal sealed class MosquittoClient : IDisposable
{
    private static readonly object InitGate = new();
    private static bool _initialised;

    private readonly MosquittoNative.ConnectV5Callback _onConnect;
    private readonly MosquittoNative.DisconnectV5Callback _onDisconnect;
    private readonly MosquittoNative.PublishV5Callback _onPublish;
    private readonly MosquittoNative.MessageV5Callback _onMessage;
    private IntPtr _handle;

    /// <summary>(reason code, reason text); 0 is success.</summary>
    public Action<int, string>? Connected { get; set; }

    /// <summary>(reason code, reason text); 0 is a disconnect we asked for.</summary>
    public Action<int, string>? Disconnected { get; set; }

    /// <summary>(message id, MQTT reason code): the broker's PUBACK/PUBCOMP, or QoS 0 written to the socket.</summary>
    public Action<int, int>? Published { get; set; }

    public Action<ReceivedMessage>? MessageReceived { get; set; }

    public MosquittoClient(string? clientId, bool cleanStart)
    {
        lock (InitGate)
        {
            if (!_initialised)
            {
                MosquittoNative.mosquitto_lib_init();
                _initialised = true;
            }
        }
        _handle = MosquittoNative.mosquitto_new(clientId, cleanStart, IntPtr.Zero);
        if (_handle == IntPtr.Zero) throw new InvalidOperationException("libmosquitto could not create a client (mosquitto_new failed: out of memory or invalid client id)");
        Check(MosquittoNative.mosquitto_int_option(_handle, MosquittoNative.OptProtocolVersion, MosquittoNative.ProtocolV5), "set MQTT 5");
        MosquittoNative.mosquitto_int_option(_handle, MosquittoNative.OptTcpNoDelay, 1);
        _onConnect = (_, _, rc, _, props) => Connected?.Invoke(rc, ReasonText(rc, props));
        _onDisconnect = (_, _, rc, props) => Disconnected?.Invoke(rc, rc == 0 ? "disconnected" : ReasonText(rc, props, disconnect: true));
        _onPublish = (_, _, mid, rc, _) => Published?.Invoke(mid, rc);
        _onMessage = (_, _, message, props) => MessageReceived?.Invoke(ReceivedMessage.Copy(message, props));
        MosquittoNative.mosquitto_connect_v5_callback_set(_handle, _onConnect);
        MosquittoNative.mosquitto_disconnect_v5_callback_set(_handle, _onDisconnect);
        MosquittoNative.mosquitto_publish_v5_callback_set(_handle, _onPublish);
        MosquittoNative.mosquitto_message_v5_callback_set(_handle, _onMessage);
    }

    public void SetCredentials(string? username, string? password) =>
        Check(MosquittoNative.mosquitto_username_pw_set(_handle, username, password), "set credentials");

    public void SetInflight(int sendMaximum, int receiveMaximum)
    {
        Check(MosquittoNative.mosquitto_int_option(_handle, MosquittoNative.OptSendMaximum, sendMaximum), "set send maximum");
        Check(MosquittoNative.mosquitto_int_option(_handle, MosquittoNative.OptReceiveMaximum, receiveMaximum), "set receive maximum");
    }

    public void SetReconnectDelay(TimeSpan min, TimeSpan max) =>
        Check(MosquittoNative.mosquitto_reconnect_delay_set(_handle, (uint)Math.Max(1, min.TotalSeconds), (uint)Math.Max(1, max.TotalSeconds), true), "set reconnect delay");

    /// <summary>Blocking TCP connect and CONNECT; returns 0 or the libmosquitto code, with errno for MOSQ_ERR_ERRNO.</summary>
    public (int Code, int Errno) Connect(string host, int port, int keepAliveSeconds, uint sessionExpirySeconds)
    {
        var props = IntPtr.Zero;
        try
        {
            if (sessionExpirySeconds > 0) MosquittoNative.mosquitto_property_add_int32(ref props, MosquittoNative.PropSessionExpiry, sessionExpirySeconds);
            var rc = MosquittoNative.mosquitto_connect_bind_v5(_handle, host, port, keepAliveSeconds, IntPtr.Zero, props);
            return (rc, rc == MosquittoErrors.Errno ? Marshal.GetLastPInvokeError() : 0);
        }
        finally
        {
            MosquittoNative.mosquitto_property_free_all(ref props);
        }
    }

    public void StartLoop() => Check(MosquittoNative.mosquitto_loop_start(_handle), "start the network thread");

    public int Subscribe(string filter, int qos) => MosquittoNative.mosquitto_subscribe_v5(_handle, out _, filter, qos, 0, IntPtr.Zero);

    /// <summary>Queues a PUBLISH; returns the libmosquitto code and the message id the publish callback will name.</summary>
    public (int Code, int Mid) Publish(string topic, byte[] payload, int qos, bool retain, MqttProperties properties)
    {
        var props = IntPtr.Zero;
        try
        {
            var rc = AddProperties(ref props, properties);
            if (rc != 0) return (rc, 0);
            rc = MosquittoNative.mosquitto_publish_v5(_handle, out var mid, topic, payload.Length, payload, qos, retain, props);
            return (rc, mid);
        }
        finally
        {
            MosquittoNative.mosquitto_property_free_all(ref props);
        }
    }

    /// <summary>
    /// Cuts the TCP connection at once, so acknowledgements libmosquitto has queued (the PUBACK of the message being
    /// delivered) never reach the broker: it keeps the message for redelivery. The network thread then reconnects.
    /// </summary>
    public void Abort()
    {
        var socket = MosquittoNative.mosquitto_socket(_handle);
        if (socket >= 0) MosquittoNative.shutdown(socket, 2);
    }

    public void Disconnect() => MosquittoNative.mosquitto_disconnect_v5(_handle, 0, IntPtr.Zero);

    public void StopLoop(bool force) => MosquittoNative.mosquitto_loop_stop(_handle, force);

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (handle != IntPtr.Zero) MosquittoNative.mosquitto_destroy(handle);
    }

    private static int AddProperties(ref IntPtr props, MqttProperties p)
    {
        var rc = 0;
        if (p.ContentType is { } contentType) rc |= MosquittoNative.mosquitto_property_add_string(ref props, MosquittoNative.PropContentType, contentType);
        if (p.ResponseTopic is { } responseTopic) rc |= MosquittoNative.mosquitto_property_add_string(ref props, MosquittoNative.PropResponseTopic, responseTopic);
        if (p.CorrelationData is { } correlation) rc |= MosquittoNative.mosquitto_property_add_binary(ref props, MosquittoNative.PropCorrelationData, correlation, (ushort)correlation.Length);
        if (p.MessageExpiry is { } expiry) rc |= MosquittoNative.mosquitto_property_add_int32(ref props, MosquittoNative.PropMessageExpiry, expiry);
        foreach (var (name, value) in p.UserProperties) rc |= MosquittoNative.mosquitto_property_add_string_pair(ref props, MosquittoNative.PropUserProperty, name, value);
        return rc == 0 ? 0 : MosquittoErrors.Invalid;
    }

    private static string ReasonText(int reasonCode, IntPtr props, bool disconnect = false)
    {
        if (reasonCode == 0) return "success";
        // Below 128 on disconnect is a libmosquitto error code (e.g. connection lost), above an MQTT reason code.
        var text = disconnect && reasonCode < 128 ? MosquittoErrors.Describe(reasonCode) : MosquittoErrors.Reason(reasonCode).ToLowerInvariant();
        if (props != IntPtr.Zero && MosquittoNative.mosquitto_property_read_string(props, MosquittoNative.PropReasonString, out var reason, false) != IntPtr.Zero)
        {
            text += ": " + Marshal.PtrToStringUTF8(reason);
            MosquittoNative.Free(reason);
        }
        return text;
    }

    private void Check(int rc, string what)
    {
        if (rc != 0) throw new InvalidOperationException($"libmosquitto could not {what}: {MosquittoErrors.Describe(rc)}");
    }
}

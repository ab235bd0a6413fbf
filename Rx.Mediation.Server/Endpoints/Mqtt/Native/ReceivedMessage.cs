using System.Runtime.InteropServices;

namespace Rx.Mediation.Server.Endpoints.Mqtt.Native;

/// <summary>A PUBLISH from the broker, copied out of libmosquitto's memory (valid only during the callback).</summary>
public sealed record ReceivedMessage(int Mid, string Topic, byte[] Payload, int Qos, bool Retain, MqttProperties Properties)
{
    internal static ReceivedMessage Copy(IntPtr message, IntPtr props)
    {
        var native = Marshal.PtrToStructure<MosquittoNative.Message>(message);
        var payload = new byte[native.PayloadLength];
        if (native.PayloadLength > 0) Marshal.Copy(native.Payload, payload, 0, native.PayloadLength);
        var topic = Marshal.PtrToStringUTF8(native.Topic) ?? "";
        return new ReceivedMessage(native.Mid, topic, payload, native.Qos, native.Retain, ReadProperties(props));
    }

    private static MqttProperties ReadProperties(IntPtr props)
    {
        if (props == IntPtr.Zero) return new MqttProperties();
        string? contentType = null, responseTopic = null;
        byte[]? correlation = null;
        uint? expiry = null;
        var user = new List<KeyValuePair<string, string>>();
        // Walk the list; each read function called on the exact property (skipFirst=false) returns that property.
        for (var p = props; p != IntPtr.Zero; p = MosquittoNative.mosquitto_property_next(p))
        {
            switch (MosquittoNative.mosquitto_property_identifier(p))
            {
                case MosquittoNative.PropUserProperty:
                    MosquittoNative.mosquitto_property_read_string_pair(p, MosquittoNative.PropUserProperty, out var name, out var value, false);
                    user.Add(new(TakeString(name), TakeString(value)));
                    break;
                case MosquittoNative.PropContentType:
                    MosquittoNative.mosquitto_property_read_string(p, MosquittoNative.PropContentType, out var ct, false);
                    contentType = TakeString(ct);
                    break;
                case MosquittoNative.PropResponseTopic:
                    MosquittoNative.mosquitto_property_read_string(p, MosquittoNative.PropResponseTopic, out var rt, false);
                    responseTopic = TakeString(rt);
                    break;
                case MosquittoNative.PropCorrelationData:
                    MosquittoNative.mosquitto_property_read_binary(p, MosquittoNative.PropCorrelationData, out var data, out var length, false);
                    correlation = new byte[length];
                    if (length > 0) Marshal.Copy(data, correlation, 0, length);
                    MosquittoNative.Free(data);
                    break;
                case MosquittoNative.PropMessageExpiry:
                    MosquittoNative.mosquitto_property_read_int32(p, MosquittoNative.PropMessageExpiry, out var seconds, false);
                    expiry = seconds;
                    break;
            }
        }
        return new MqttProperties { ContentType = contentType, ResponseTopic = responseTopic, CorrelationData = correlation, MessageExpiry = expiry, UserProperties = user };
    }

    private static string TakeString(IntPtr text)
    {
        var value = Marshal.PtrToStringUTF8(text) ?? "";
        MosquittoNative.Free(text);
        return value;
    }
}

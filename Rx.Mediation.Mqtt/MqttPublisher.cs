using System.Diagnostics.CodeAnalysis;
using MQTTnet;
using MQTTnet.Exceptions;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Events;

namespace Rx.Mediation.Mqtt;

/// <summary>
/// MQTT's part of the shared sending pipeline: an event becomes a publish with the endpoint's QoS and its headers as
/// user properties; the broker's PUBACK/PUBCOMP (QoS 0: written to the socket) acknowledges it, an error reason code
/// rejects it, and a connection lost before the answer sends it again once reconnected (the broker may then see it
/// twice: at least once).
/// </summary>
internal sealed class MqttPublisher(MqttEndpointOptions options, Func<IMqttClient> client, Func<Task> connected) : IBrokerSender<MqttApplicationMessage>
{
    public bool TryPrepare(Event value, [MaybeNullWhen(false)] out MqttApplicationMessage message, [NotNullWhen(false)] out string? problem)
    {
        message = null;
        problem = MqttTopics.CheckPublishTopic(value.Topic) ?? options.PublishTopicCheck?.Invoke(value.Topic);
        if (problem is not null) return false;
        MqttProperties properties;
        try
        {
            properties = MqttHeaders.ToProperties(value.Headers);
        }
        catch (FormatException ex)
        {
            problem = ex.Message;
            return false;
        }
        message = MqttMessages.Create(value.Topic, value.Payload.ToArray(), options.Qos, options.Retain, properties);
        return true;
    }

    public ValueTask WhenReadyAsync(CancellationToken cancellationToken) => new(connected().WaitAsync(cancellationToken));

    public async ValueTask<SendResult> SendAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        MqttClientPublishResult result;
        try
        {
            await connected().WaitAsync(cancellationToken).ConfigureAwait(false);
            result = await client().PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or ObjectDisposedException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return SendResult.Interrupted(MqttErrors.Describe(ex));
        }
        if ((int)result.ReasonCode < 0x80) return SendResult.Acknowledged;
        return SendResult.Rejected($"{options.Description ?? "the broker"} refused it: {MqttErrors.Reason(result.ReasonCode)}"
                                   + (string.IsNullOrEmpty(result.ReasonString) ? "" : ": " + result.ReasonString));
    }
}

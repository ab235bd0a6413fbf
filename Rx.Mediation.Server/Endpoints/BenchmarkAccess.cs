using System.Runtime.CompilerServices;

// The broker benchmark's "direct" baselines publish through the same client layers the endpoints use (MQTTnet with the
// MQTT endpoint's options and MqttMessages, AMQPNetLite with the AMQP endpoint's message mapping), so they measure the
// client, not a second mapping of it.
[assembly: InternalsVisibleTo("Rx.Mediation.BrokerBench")]

using System.Runtime.CompilerServices;

// The broker benchmark's "direct" baselines publish through the same client layers the endpoints use (MQTTnet with the
// MQTT endpoint's options and MqttMessages, Qpid Proton's ProtonNative and codec), so they measure the client, not a
// second binding of it.
[assembly: InternalsVisibleTo("Rx.Mediation.BrokerBench")]

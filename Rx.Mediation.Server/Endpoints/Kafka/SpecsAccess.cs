using System.Runtime.CompilerServices;

// The Kafka specs exercise the consumer's resume ids (KafkaFrontier) directly, without widening their visibility.
[assembly: InternalsVisibleTo("Rx.Mediation.Kafka.Specs")]

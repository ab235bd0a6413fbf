using System.Runtime.CompilerServices;

// The AMQP specs exercise the message mapping onto AMQPNetLite, the TLS loading and the failure wording directly,
// without widening their visibility.
[assembly: InternalsVisibleTo("Rx.Mediation.Amqp.Specs")]

using System.Runtime.CompilerServices;

// The AMQP specs exercise the Proton codec and the connection loop directly, without widening their visibility.
[assembly: InternalsVisibleTo("Rx.Mediation.Amqp.Specs")]

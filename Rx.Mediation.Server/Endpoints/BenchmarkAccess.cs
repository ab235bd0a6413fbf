using System.Runtime.CompilerServices;

// The broker benchmark's "direct" baselines publish through the same native layers the endpoints use (libmosquitto's
// MosquittoClient, Qpid Proton's ProtonNative and codec), so they measure the client, not a second binding of it.
[assembly: InternalsVisibleTo("Rx.Mediation.BrokerBench")]

using Rx.Mediation.Server.Hosting;

// Web clients in (HTTP POST, WebSocket) → routes → brokers → routes → web clients out (SSE, WebSocket, GET polling).
// The composition lives in MediationServer so the specs start exactly this app on a free port.
var app = MediationServer.Build(args);
await app.RunAsync();
return 0;

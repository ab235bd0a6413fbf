// A Node client of the gateway's WebSocket entrypoint, for NodeClientSpecs. Prints one JSON line per thing that
// happens, so the spec can follow along; exits on its own (20 s at most).
//
//   node --experimental-websocket node-ws-client.mjs receive <ws-url> <expected-text> [origin]
//     Node's built-in WebSocket (undici's): prints {"event":"open"}, then {"event":"message","data":...} for each
//     message, and exits 0 once one contains <expected-text>; {"event":"error"} / {"event":"close"} and exit 1 if the
//     socket fails or closes first. An origin, when given, is sent as the Origin header (undici takes headers).
//
//   node node-ws-client.mjs upgrade <http-url> <origin> [bearer-credential]
//     A raw upgrade request with node:http, which shows what the built-in WebSocket does not: the status the server
//     answers. Prints {"status":101} or {"status":403,"body":"..."}.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const [mode, url, ...rest] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');
setTimeout(() => {
  print({ event: 'timeout' });
  process.exit(2);
}, 20_000).unref();

if (mode === 'receive') {
  const [expected, origin] = rest;
  if (typeof WebSocket !== 'function') {
    print({ event: 'unsupported', node: process.version });
    process.exit(3);
  }
  const socket = origin ? new WebSocket(url, { headers: { Origin: origin } }) : new WebSocket(url);
  // A refused handshake may end the process (nothing left to wait for) before any close event: that is a failure too.
  process.exitCode = 1;
  socket.onopen = () => print({ event: 'open' });
  socket.onmessage = (message) => {
    print({ event: 'message', data: String(message.data) });
    if (String(message.data).includes(expected)) {
      process.exitCode = 0;
      socket.close();
    }
  };
  socket.onerror = () => print({ event: 'error' });
  socket.onclose = (closed) => {
    print({ event: 'close', code: closed.code });
    process.exit();
  };
} else if (mode === 'upgrade') {
  const [origin, credential] = rest;
  const headers = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    Origin: origin,
  };
  if (credential) headers.Authorization = `Bearer ${credential}`;
  const request = http.request(url, { headers });
  request.on('upgrade', (response, socket) => {
    print({ status: response.statusCode });
    socket.destroy();
    process.exit(0);
  });
  request.on('response', (response) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => (body += chunk));
    response.on('end', () => {
      print({ status: response.statusCode, body });
      process.exit(0);
    });
  });
  request.on('error', (error) => {
    print({ event: 'error', message: error.message });
    process.exit(1);
  });
  request.end();
} else {
  print({ event: 'usage', message: 'receive <ws-url> <expected-text> [origin] | upgrade <http-url> <origin> [credential]' });
  process.exit(64);
}

// hp: see LICENSE.
// ws-backend.js: the example's WebSocket backend: /health over HTTP, and
// a WebSocket echo (RFC 6455, text frames) on the same port. No
// dependencies.
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

const port = Number(process.env.PORT || 8765);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(text) {
  const data = Buffer.from(text);
  const head = data.length < 126 ? Buffer.from([0x81, data.length]) :
    Buffer.from([0x81, 126, data.length >> 8, data.length & 255]);
  return Buffer.concat([head, data]);
}

// Unmask one client frame; null when it is not whole yet.
function unframe(buf) {
  if (buf.length < 2)
    return null;
  let len = buf[1] & 127, off = 2;
  if (len === 126) {
    if (buf.length < 4)
      return null;
    len = buf.readUInt16BE(2);
    off = 4;
  }
  if (buf.length < off + 4 + len)
    return null;
  const mask = buf.subarray(off, off + 4);
  const data = Buffer.alloc(len);
  for (let i = 0; i < len; i++)
    data[i] = buf[off + 4 + i] ^ mask[i % 4];
  return { op: buf[0] & 15, text: data.toString(), rest: off + 4 + len };
}

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ status: 'ok', pid: process.pid }) + '\n');
  }
  res.writeHead(426, { upgrade: 'websocket' });
  res.end();
});

server.on('upgrade', (req, socket) => {
  const accept = crypto.createHash('sha1')
    .update(req.headers['sec-websocket-key'] + GUID).digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n' +
    `Connection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (let f; (f = unframe(buf)); buf = buf.subarray(f.rest)) {
      if (f.op === 8)
        return socket.end();
      if (f.op === 1)
        socket.write(frame(f.text));
    }
  });
});

server.listen(port, '127.0.0.1', () =>
  console.log(`websocket backend on ws://127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log('websocket backend: SIGTERM, closing');
  server.close(() => process.exit(0));
});

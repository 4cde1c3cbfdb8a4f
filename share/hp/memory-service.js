// hp: see LICENSE.
// memory-service.js: the example's memory service: a small key-value
// store over HTTP, with /health. No dependencies.
'use strict';
const http = require('node:http');

const port = Number(process.env.PORT || 3457);
const store = new Map();

const server = http.createServer((req, res) => {
  const send = (code, body) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body) + '\n');
  };
  if (req.url === '/health')
    return send(200, { status: 'ok', keys: store.size, pid: process.pid });
  const m = /^\/memory\/([\w.-]+)$/.exec(req.url);
  if (!m)
    return send(404, { error: 'not found' });
  if (req.method === 'GET')
    return store.has(m[1]) ? send(200, { value: store.get(m[1]) }) :
      send(404, { error: 'no such key' });
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => { store.set(m[1], body); send(200, { ok: true }); });
});

server.listen(port, '127.0.0.1', () =>
  console.log(`memory service on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log('memory service: SIGTERM, closing');
  server.close(() => process.exit(0));
});

// A fast webhook receiver for the bench, in its own process: answers 200 at once and counts what it got.
//   node --import tsx bench/webhooks/receiver.ts <port>
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
let requests = 0;
let ids = new Set<string>();
// The window from the first request to the one that brought the last new id, timed here for both sides.
let firstAt = 0;
let lastNewAt = 0;

createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, distinct: ids.size, windowMs: lastNewAt - firstAt }));
    return;
  }
  if (req.method === 'POST' && req.url === '/reset') {
    requests = 0;
    ids = new Set();
    firstAt = 0;
    lastNewAt = 0;
    res.end();
    return;
  }
  if (firstAt === 0) firstAt = performance.now();
  req.resume();
  req.on('end', () => {
    requests++;
    const id = req.headers['webhook-id'];
    if (typeof id === 'string' && !ids.has(id)) {
      ids.add(id);
      lastNewAt = performance.now();
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
}).listen(port, '127.0.0.1', () => console.log('ready'));

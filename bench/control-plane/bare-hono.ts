// Baseline: a bare Hono hello-world on @hono/node-server, the floor our API is measured against.
//   node --import tsx bench/control-plane/bare-hono.ts <port> [work µs=0]
// With a work figure, each answer first keeps the CPU busy that long: the calibration legs of the bench,
// which show the rate any server reaches when it spends that much of its own time on a request.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const workMs = Number(process.argv[3] ?? 0) / 1000;
const app = new Hono();
app.get('/', (c) => {
  if (workMs > 0) for (const until = performance.now() + workMs; performance.now() < until;);
  return c.json({ hello: 'world' });
});
serve({ fetch: app.fetch, port: Number(process.argv[2]), hostname: '127.0.0.1' }, () => console.log('"event":"ready"'));

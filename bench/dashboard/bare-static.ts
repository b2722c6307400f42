// Baseline for the dashboard bench: bare Hono with @hono/node-server's serveStatic over the same dist/.
//   node --import tsx bench/dashboard/bare-static.ts <port> <dist>
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

const port = Number(process.argv[2]);
const root = process.argv[3]!;
const app = new Hono();
app.use('/assets/*', serveStatic({ root }));
app.get('*', serveStatic({ root, path: 'index.html' }));
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log('ready'));

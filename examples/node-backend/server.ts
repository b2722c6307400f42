// A minimal backend for a Beamline page: it keeps the API secret, mints chat and playback tokens for the
// browser, serves the static page, and receives webhooks.
//   BEAMLINE_API_KEY=… BEAMLINE_API_SECRET=… npx tsx examples/node-backend/server.ts
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { Platform, PlatformError, verifyWebhook, WebhookVerificationError } from '@beamline/sdk';

// This file is the example's composition root: the one place that reads its configuration.
// eslint-disable-next-line no-restricted-properties
const env = process.env;
const platform = new Platform({
  apiKey: env.BEAMLINE_API_KEY!,
  apiSecret: env.BEAMLINE_API_SECRET!,
  baseUrl: env.BEAMLINE_API_URL ?? 'http://localhost:8080',
});
const realtimeUrl = env.BEAMLINE_REALTIME_URL ?? 'http://localhost:8081';
const port = Number(env.APP_PORT ?? 3000);
const pageDir = join(import.meta.dirname, '..', 'static-page');

// The stream this page shows: STREAM_ID, or the newest stream of the app, or a new one.
async function pickStream() {
  if (env.STREAM_ID) return platform.streams.retrieve(env.STREAM_ID);
  const { data } = await platform.streams.list({ limit: 1 });
  return data[0] ?? platform.streams.create({ name: 'Example stream', playbackPolicy: 'signed' });
}
const stream = await pickStream();
console.log(`stream ${stream.id}: publish to ${stream.rtmpUrl}/${stream.streamKey}`);

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function rawBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // In a real app the user comes from your session; here the page says who it is.
  const user = (url.searchParams.get('user') ?? 'guest').replace(/[^\w.-]/g, '').slice(0, 40) || 'guest';

  switch (url.pathname) {
    case '/api/config':
      return json(res, 200, {
        streamId: stream.id,
        playbackId: stream.playbackId,
        hlsUrl: stream.hlsUrl,
        realtimeUrl,
      });
    case '/api/chat-token':
      return json(res, 200, {
        token: platform.createUserToken(user, {
          name: user,
          // Decide roles from your own user records; never from the browser in production.
          role: user === 'moderator' ? 'moderator' : 'user',
          ttl: 15 * 60,
        }),
      });
    case '/api/playback-token':
      return json(res, 200, {
        token: platform.createPlaybackToken(stream.playbackId, { ttl: 5 * 60, viewerId: user }),
      });
    case '/webhooks': {
      // Register http://<this host>/webhooks as an endpoint and put its secret in WEBHOOK_SECRET.
      try {
        const event = verifyWebhook(await rawBody(req), req.headers, env.WEBHOOK_SECRET ?? '');
        console.log(`webhook ${event.type} ${event.id}`);
        return json(res, 200, { received: true });
      } catch (err) {
        if (err instanceof WebhookVerificationError) return json(res, 400, { error: err.code });
        throw err;
      }
    }
  }
  // The static page.
  const path = normalize(url.pathname === '/' ? '/index.html' : url.pathname);
  const type = TYPES[extname(path)];
  if (!type || path.includes('..')) return json(res, 404, { error: 'not_found' });
  try {
    res.writeHead(200, { 'content-type': type }).end(await readFile(join(pageDir, path)));
  } catch {
    json(res, 404, { error: 'not_found' });
  }
}

createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    // PlatformError carries the API's code and request id: log them, answer without details.
    if (err instanceof PlatformError) console.error(`${err.code} (${err.status}, request ${err.requestId})`);
    else console.error(err);
    if (!res.headersSent) json(res, 500, { error: 'internal_error' });
  });
}).listen(port, () => console.log(`open http://localhost:${port}/?user=ada`));

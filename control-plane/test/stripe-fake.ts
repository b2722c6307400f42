// A local stand-in for Stripe's HTTP API, for tests only: the same URL paths, bearer secret-key auth,
// form-encoded bodies with bracketed keys, Idempotency-Key replays, JSON objects with `id`/`object`,
// and Stripe's error body. It covers the calls the Stripe adapter makes and nothing more.
import { createServer, type Server } from 'node:http';

export interface FakeStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  body: Record<string, any>;
}

export interface FakeStripe {
  url: string;
  requests: FakeStripeRequest[];
  /** Objects created, by Stripe object type ('customer', 'invoice', 'invoiceitem', 'billing.meter_event'). */
  objects: Map<string, Record<string, any>[]>;
  close(): Promise<void>;
}

/** `a[b][c]=1` → `{a: {b: {c: '1'}}}`, as Stripe reads form bodies. */
function parseForm(raw: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const parts = key.split(/[[\]]+/).filter(Boolean);
    let node = out;
    for (const part of parts.slice(0, -1)) node = node[part] ??= {};
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}

const ROUTES: Record<string, { object: string; prefix: string }> = {
  '/v1/customers': { object: 'customer', prefix: 'cus' },
  '/v1/invoices': { object: 'invoice', prefix: 'in' },
  '/v1/invoiceitems': { object: 'invoiceitem', prefix: 'ii' },
  '/v1/billing/meter_events': { object: 'billing.meter_event', prefix: 'mtrevt' },
};

export async function startFakeStripe(secretKey: string): Promise<FakeStripe> {
  const requests: FakeStripeRequest[] = [];
  const objects = new Map<string, Record<string, any>[]>();
  const replays = new Map<string, { status: number; body: string }>();
  let counter = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake${++counter}` });
        res.end(text);
        return text;
      };
      const path = (req.url ?? '/').split('?')[0]!;
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      if (req.headers.authorization !== `Bearer ${secretKey}`)
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
      if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? ''))
        return send(400, { error: { type: 'invalid_request_error', message: 'Bodies are form-encoded.' } });
      const body = parseForm(raw);
      requests.push({ method: req.method ?? 'GET', path, idempotencyKey, body });
      const replay = idempotencyKey ? replays.get(idempotencyKey) : undefined;
      if (replay) {
        res.writeHead(replay.status, { 'content-type': 'application/json', 'idempotent-replayed': 'true' });
        return res.end(replay.body);
      }
      const route = req.method === 'POST' ? ROUTES[path] : undefined;
      if (!route)
        return send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${path}).` } });
      if (route.object === 'invoiceitem' && !(Number(body.amount) >= 0 && body.customer && body.currency))
        return send(400, { error: { type: 'invalid_request_error', message: 'Missing required param.' } });
      const created = {
        id: `${route.prefix}_fake${++counter}`,
        object: route.object,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        ...body,
        ...(route.object === 'invoice' ? { status: 'draft' } : {}),
        ...(route.object === 'invoiceitem' ? { amount: Number(body.amount) } : {}),
      };
      objects.set(route.object, [...(objects.get(route.object) ?? []), created]);
      const text = send(200, created);
      if (idempotencyKey) replays.set(idempotencyKey, { status: 200, body: text });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

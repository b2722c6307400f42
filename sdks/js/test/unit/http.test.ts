// The server client's transport against a scripted loopback HTTP server: errors, retries, pagination.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, HttpClient } from '../../src/server/http';
import { PageIterator } from '../../src/server/pagination';
import { PlatformError } from '../../src/server/errors';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;
const servers: { close(): void }[] = [];

async function serve(handler: Handler): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => handler(req, res, ++hits));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

function client(url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({ baseUrl: url, apiKey: 'pk_test', apiSecret: 'sk_test', ...extra });
}

function error(res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_1', ...headers });
  res.end(JSON.stringify({ error: { code, message: `failed with ${code}`, requestId: 'req_1' } }));
}

afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('HttpClient', () => {
  it('sends Basic credentials and parses JSON', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ auth: req.headers.authorization, url: req.url, sdk: req.headers['x-beamline-sdk'] }));
    });
    const body = await client(url).request<{ auth: string; url: string; sdk: string }>('op', 'GET', '/v1/x', {
      query: { limit: 5, skip: undefined },
    });
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(body.sdk).toBe(`js/${pkg.version}`);
    expect(body.auth).toBe(`Basic ${Buffer.from('pk_test:sk_test').toString('base64')}`);
    expect(body.url).toBe('/v1/x?limit=5');
  });

  it('throws PlatformError with code, status and request id', async () => {
    const { url } = await serve((_req, res) => error(res, 404, 'app_not_found'));
    const err = await client(url)
      .request('op', 'GET', '/v1/x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ code: 'app_not_found', status: 404, requestId: 'req_1', retryable: false });
  });

  it('retries idempotent calls on 5xx and 429, honouring Retry-After', async () => {
    const { url, hits } = await serve((_req, res, hit) => {
      if (hit === 1) return error(res, 503, 'unavailable');
      if (hit === 2) return error(res, 429, 'rate_limited', { 'retry-after': '0' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const attempts: number[] = [];
    const c = client(url, { onRequest: (i) => attempts.push(i.attempt) });
    await expect(c.request('op', 'GET', '/v1/x')).resolves.toEqual({ ok: true });
    expect(hits()).toBe(3);
    expect(attempts).toEqual([0, 1, 2]);
  });

  it('gives up after maxRetries and never retries a POST', async () => {
    const failing = await serve((_req, res) => error(res, 500, 'internal_error', { 'retry-after': '0' }));
    await expect(client(failing.url, { maxRetries: 1 }).request('op', 'GET', '/v1/x')).rejects.toMatchObject({
      status: 500,
    });
    expect(failing.hits()).toBe(2);
    const post = await serve((_req, res) => error(res, 503, 'unavailable', { 'retry-after': '0' }));
    await expect(client(post.url).request('op', 'POST', '/v1/x', { body: {} })).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(post.hits()).toBe(1);
  });

  it('maps a proxy error page (not JSON) to a PlatformError and does not wait minutes to retry', async () => {
    const html = await serve((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'),
    );
    await expect(client(html.url, { maxRetries: 0 }).request('op', 'GET', '/v1/x')).rejects.toMatchObject({
      code: 'internal_error',
      status: 502,
    });
    const slow = await serve((_req, res) => error(res, 429, 'rate_limited', { 'retry-after': '120' }));
    const started = Date.now();
    await expect(client(slow.url).request('op', 'GET', '/v1/x')).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 120,
    });
    expect(slow.hits()).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a refused connection as network_error with status 0', async () => {
    const { url } = await serve(() => undefined);
    for (const s of servers.splice(0)) s.close();
    const err = await client(url, { maxRetries: 0 })
      .request('op', 'GET', '/v1/x')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network_error', status: 0, retryable: true });
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(0, () => 0)).toBe(250);
    expect(backoffMs(0, () => 1)).toBe(500);
    expect(backoffMs(3, () => 1)).toBe(4000);
    expect(backoffMs(10, () => 1)).toBe(8000);
  });
});

describe('PageIterator', () => {
  it('awaits to the first page and iterates every item across pages', async () => {
    const pages: Record<string, { data: number[]; nextCursor: string | null }> = {
      start: { data: [1, 2], nextCursor: 'b' },
      b: { data: [3], nextCursor: 'c' },
      c: { data: [4, 5], nextCursor: null },
    };
    const seen: (string | undefined)[] = [];
    const it = new PageIterator<number>(async (cursor) => {
      seen.push(cursor);
      return pages[cursor ?? 'start']!;
    });
    expect((await it).data).toEqual([1, 2]);
    const all: number[] = [];
    for await (const n of it) all.push(n);
    expect(all).toEqual([1, 2, 3, 4, 5]);
    expect(seen).toEqual([undefined, 'b', 'c']);
    expect(await it.toArray(3)).toEqual([1, 2, 3]);
  });
});

// The embeddable player may be framed by any site; the dashboard and the API may not. Checked in process
// (app.request) and over real HTTP, where the fixed headers are written onto Node's response.
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '@beamline/core/testing';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

let t: TestControlPlane;
let server: ServerType;
let base: string;
beforeAll(async () => {
  t = await buildTestControlPlane();
  const port = await freePort();
  server = serve({ fetch: t.cp.http.app.fetch, port, hostname: '127.0.0.1' });
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

const legs = [
  { name: 'in process', get: (path: string) => t.cp.http.app.request(path) },
  { name: 'over HTTP', get: (path: string) => fetch(base + path) },
];

it.each(legs)('sends X-Frame-Options everywhere except on /embed/ pages ($name)', async ({ get }) => {
  const embed = await get('/embed/pb_anything');
  expect(embed.headers.get('x-frame-options')).toBeNull();
  expect(embed.headers.get('x-content-type-options')).toBe('nosniff');
  for (const path of ['/watch/pb_anything', '/', '/v1/me', '/healthz']) {
    const res = await get(path);
    expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security'), path).toMatch(/^max-age=/);
    expect(res.headers.get('x-request-id'), path).toMatch(/^req_[0-9a-f]{32}$/);
  }
});

it.each(legs)('gives every API answer, errors included, a CSP that loads nothing ($name)', async ({ get }) => {
  for (const path of ['/v1/me', '/v1/no-such-route']) {
    const res = await get(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('content-security-policy'), path).toBe("default-src 'none'; frame-ancestors 'none'");
    expect((await res.json()) as unknown).toHaveProperty('error.requestId', res.headers.get('x-request-id'));
  }
  expect((await get('/healthz')).headers.get('content-security-policy')).toBeNull();
});

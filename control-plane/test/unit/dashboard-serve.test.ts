// The built dashboard on the API's origin: files with the right caching, the SPA shell for client routes, the API
// untouched, and a verified custom domain serving only its app's branded player page.
import { readdirSync } from 'node:fs';
import { setServers } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, ROOT } from '@beamline/testkit/dashboard-build';
import { startTestDnsServer, type TestDnsServer } from '@beamline/testkit/dns-server';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

const dist = `${ROOT}dashboard/dist`;
let t: TestControlPlane;
let dns: TestDnsServer;

const get = (path: string, headers: Record<string, string> = {}) => t.cp.http.app.request(path, { headers });

beforeAll(async () => {
  ensureDashboardBuilt();
  dns = await startTestDnsServer();
  setServers([dns.address]);
  t = await buildTestControlPlane({ PUBLIC_BASE_URL: 'http://127.0.0.1:8080' });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

describe('serving the dashboard', () => {
  it('answers client routes with the shell, hashed assets for ever, and leaves the API alone', async () => {
    for (const path of ['/', '/apps', '/apps/app_x/streams', '/login', '/watch/unknownplayback']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
    const script = readdirSync(`${dist}/assets`).find((f) => f.endsWith('.js'))!;
    const asset = await get(`/assets/${script}`, { 'accept-encoding': 'gzip, br' });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = asset.headers.get('etag')!;
    expect((await get(`/assets/${script}`, { 'if-none-match': etag })).status).toBe(304);

    // Build metadata is not served.
    expect((await get('/.vite/manifest.json')).status).toBe(404);
    const missing = await get('/assets/nothing-here.js');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
    const api404 = await get('/v1/nothing');
    expect(api404.status).toBe(404);
    expect((await api404.json()).error.code).toBe('not_found');
    expect((await (await get('/openapi.json')).json()).openapi).toBe('3.1.0');
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/docs')).headers.get('content-type')).toContain('text/html');
    expect(await (await get('/docs')).text()).not.toContain('<div id="root">');
  });

  it("brands a stream's player page, and on a verified custom domain serves only that app's player page", async () => {
    const dev = await t.api.register();
    const { appId } = await t.api.createApp(dev.token);
    const auth = { bearer: dev.token };
    const stream = (await t.api.call('POST', `/v1/apps/${appId}/streams`, { auth, body: { name: 'Show' } })).body;
    const page = await (await get(`/watch/${stream.playbackId}`)).text();
    expect(page).toContain(`/v1/branding/${appId}/theme.css`);

    const other = await t.api.createApp(dev.token, 'Other');
    const otherStream = (await t.api.call('POST', `/v1/apps/${other.appId}/streams`, { auth, body: { name: 'X' } }))
      .body;

    const host = { host: 'watch.brand.example' };
    // Before verification the host is just an unknown name: no branding, the ordinary shell.
    const domain = (
      await t.api.call('POST', `/v1/apps/${appId}/domains`, { auth, body: { hostname: 'watch.brand.example' } })
    ).body;
    dns.txt.set(domain.txtRecord.name, [domain.txtRecord.value]);
    const verified = await t.api.call('POST', `/v1/apps/${appId}/domains/${domain.id}/verify`, { auth });
    expect(verified.body.status).toBe('verified');

    const branded = await get(`/watch/${stream.playbackId}`, host);
    expect(branded.status).toBe(200);
    expect(await branded.text()).toContain(`/v1/branding/${appId}/theme.css`);
    const embed = await get(`/embed/${stream.playbackId}`, host);
    expect(embed.status).toBe(200);
    // The embeddable page may be framed by the customer's site; the dashboard may not.
    expect(embed.headers.get('x-frame-options')).toBeNull();
    expect((await get('/apps')).headers.get('x-frame-options')).toBe('SAMEORIGIN');
    // The dashboard and other apps' streams are not served on a customer's domain.
    expect((await get('/apps', host)).status).toBe(404);
    expect((await get('/login', host)).status).toBe(404);
    expect((await get(`/watch/${otherStream.playbackId}`, host)).status).toBe(404);
    const script = readdirSync(`${dist}/assets`).find((f) => f.endsWith('.js'))!;
    expect((await get(`/assets/${script}`, host)).status).toBe(200);
  });
});

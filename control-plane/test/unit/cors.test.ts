// Strict CORS per app through the HTTP app: allowed and refused origins, preflights, the dashboard's origins.
import { normaliseOriginEntry, originAllowed } from '@beamline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

let t: TestControlPlane;
let owner: { token: string };
let app: { appId: string; key: string; secret: string };
let other: { appId: string };
const SHOP = 'https://shop.example.com';

beforeAll(async () => {
  t = await buildTestControlPlane({
    PUBLIC_BASE_URL: 'https://dash.example.com',
    DASHBOARD_ORIGINS: 'http://localhost:5173',
  });
  owner = await t.api.register();
  app = await t.api.createApp(owner.token, 'Shop');
  other = await t.api.createApp(owner.token, 'Other');
  const set = await t.api.call('PATCH', `/v1/apps/${app.appId}/security`, {
    auth: { bearer: owner.token },
    body: { allowedOrigins: [`${SHOP}/`, 'https://*.shop.example.com'] },
  });
  expect(set.status).toBe(200);
  expect(set.body.allowedOrigins).toEqual([SHOP, 'https://*.shop.example.com']);
});
afterAll(() => t.close());

const preflight = (path: string, origin: string, headers = 'authorization,content-type', method = 'POST') =>
  t.cp.http.app.request(path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

describe('origin entries', () => {
  it('accepts origins and subdomain wildcards, refuses paths and other schemes', () => {
    expect(normaliseOriginEntry('https://Shop.Example.com/')).toBe('https://shop.example.com');
    expect(normaliseOriginEntry('http://localhost:3000')).toBe('http://localhost:3000');
    expect(normaliseOriginEntry('https://*.example.com')).toBe('https://*.example.com');
    for (const bad of ['https://x.com/path', 'ftp://x.com', 'x.com', 'https://x.com?q=1', 'javascript:alert(1)', '*'])
      expect(normaliseOriginEntry(bad), bad).toBeNull();
    expect(originAllowed('https://a.example.com', ['https://*.example.com'])).toBe(true);
    expect(originAllowed('https://example.com', ['https://*.example.com'])).toBe(false);
    expect(originAllowed('http://a.example.com', ['https://*.example.com'])).toBe(false);
    expect(originAllowed('https://evil-example.com', ['https://*.example.com'])).toBe(false);
  });

  it('refuses an invalid allowed origin with a 400 naming it', async () => {
    const res = await t.api.call('PATCH', `/v1/apps/${app.appId}/security`, {
      auth: { bearer: owner.token },
      body: { allowedOrigins: ['https://ok.example.com', 'https://bad.example.com/path'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_origin');
    expect(JSON.stringify(res.body.error.details)).toContain('bad.example.com/path');
  });
});

describe('CORS per app', () => {
  it("answers a preflight from an allowed origin on the app's routes", async () => {
    for (const origin of [SHOP, 'https://eu.shop.example.com']) {
      const res = await preflight(`/v1/apps/${app.appId}/streams`, origin);
      expect(res.status, origin).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
      expect(res.headers.get('vary')).toContain('Origin');
    }
  });

  it("refuses the same origin on another app's routes and on account routes", async () => {
    for (const path of [`/v1/apps/${other.appId}/streams`, '/v1/auth/login', '/v1/me']) {
      const res = await preflight(path, SHOP);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect((await res.json()).error.code).toBe('origin_not_allowed');
    }
  });

  it('refuses an unknown origin, and an actual request from it has no effect', async () => {
    const res = await preflight(`/v1/apps/${app.appId}/streams`, 'https://evil.example.net');
    expect(res.status).toBe(403);
    const sneaky = await t.api.call('PATCH', `/v1/apps/${app.appId}`, {
      auth: { bearer: owner.token },
      headers: { origin: 'https://evil.example.net' },
      body: { name: 'Pwned' },
    });
    expect(sneaky.status).toBe(403);
    expect(sneaky.body.error.code).toBe('origin_not_allowed');
    const after = await t.api.call('GET', `/v1/apps/${app.appId}`, { auth: { bearer: owner.token } });
    expect(after.body.name).toBe('Shop');
  });

  it('an actual request from an allowed origin gets its CORS headers', async () => {
    const res = await t.api.call('GET', `/v1/apps/${app.appId}`, {
      auth: { basic: [app.key, app.secret] },
      headers: { origin: SHOP },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });

  it("the dashboard's origins and the request's own origin reach every route", async () => {
    for (const origin of ['https://dash.example.com', 'http://localhost:5173']) {
      const res = await preflight('/v1/auth/login', origin, 'content-type');
      expect(res.status, origin).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    }
    // Same origin as the request (the dashboard behind another host name, a custom domain).
    const self = await t.cp.http.app.request('http://api.internal:8080/v1/me', {
      headers: { origin: 'http://api.internal:8080', authorization: `Bearer ${owner.token}` },
    });
    expect(self.status).toBe(200);
  });

  it('reads without credentials stay open to any origin; servers without Origin are untouched', async () => {
    const res = await preflight(`/v1/apps/${other.appId}/branding`, 'https://anywhere.example.org', '', 'GET');
    expect(res.status).toBe(204);
    const server = await t.api.call('GET', `/v1/apps/${other.appId}`, { auth: { bearer: owner.token } });
    expect(server.status).toBe(200);
    expect(server.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('behind a trusted proxy', () => {
  it("takes the request's own origin from X-Forwarded-Proto and the Host (a custom domain over TLS)", async () => {
    const proxied = await buildTestControlPlane({ TRUST_PROXY: 'true', PUBLIC_BASE_URL: 'https://dash.example.com' });
    try {
      const dev = await proxied.api.register();
      const call = (headers: Record<string, string>) =>
        proxied.cp.http.app.request('http://live.customer.tv/v1/me', {
          headers: { authorization: `Bearer ${dev.token}`, ...headers },
        });
      expect((await call({ origin: 'https://live.customer.tv', 'x-forwarded-proto': 'https' })).status).toBe(200);
      expect((await call({ origin: 'https://live.customer.tv' })).status).toBe(403);
      const viaHost = await call({
        origin: 'https://watch.customer.tv',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'watch.customer.tv',
      });
      expect(viaHost.status).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});

describe('security headers', () => {
  it('API answers carry the hardening headers', async () => {
    const res = await t.cp.http.app.request('/v1/me', { headers: { authorization: `Bearer ${owner.token}` } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    // headers that act only on documents stay on pages
    expect(res.headers.get('cross-origin-opener-policy')).toBeNull();
    const page = await t.cp.http.app.request('/docs');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

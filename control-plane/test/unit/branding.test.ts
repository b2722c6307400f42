// Branding API through app.request(): theme, images, CSS variables, custom domains (real DNS lookups against a
// loopback DNS server), the player page's public API, and tenant isolation.
import { setServers } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';
import { startTestDnsServer, type TestDnsServer } from '@beamline/testkit/dns-server';

let t: TestControlPlane;
let dns: TestDnsServer;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function upload(appId: string, token: string, slot: string, bytes: Uint8Array, name = 'logo.png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await t.cp.http.app.request(`/v1/apps/${appId}/branding/${slot}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  dns = await startTestDnsServer();
  setServers([dns.address]); // this test process only: node:dns asks the loopback server
  t = await buildTestControlPlane();
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

describe('branding', () => {
  it('starts from defaults, saves a partial change, and refuses bad values with the field named', async () => {
    const dev = await t.api.register();
    const { appId } = await t.api.createApp(dev.token);
    const auth = { bearer: dev.token };
    const initial = await t.api.call('GET', `/v1/apps/${appId}/branding`, { auth });
    expect(initial.status).toBe(200);
    expect(initial.body.colors.primary).toMatch(/^#[0-9a-f]{6}$/);
    expect(initial.body.logoUrl).toBeNull();

    const saved = await t.api.call('PATCH', `/v1/apps/${appId}/branding`, {
      auth,
      body: {
        colors: { primary: '#FF0066' },
        fonts: { body: 'Open Sans' },
        playerSkin: 'rounded',
        supportEmail: 'help@brand.example',
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.colors.primary).toBe('#ff0066');
    expect(saved.body.colors.secondary).toBe(initial.body.colors.secondary);
    expect(saved.body.fonts).toEqual({ heading: initial.body.fonts.heading, body: 'Open Sans' });
    expect((await t.api.call('GET', `/v1/apps/${appId}/branding`, { auth })).body.playerSkin).toBe('rounded');

    for (const body of [
      { colors: { primary: 'red' } },
      { fonts: { body: 'x"; } body { display:none' } },
      { socialLinks: [{ network: 'x', url: 'javascript:alert(1)' }] },
      { playerSkin: 'neon' },
      { unknown: true },
    ]) {
      const bad = await t.api.call('PATCH', `/v1/apps/${appId}/branding`, { auth, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
  });

  it('exports the theme as CSS variables, privately and on the public theme URL', async () => {
    const dev = await t.api.register();
    const { appId, key, secret } = await t.api.createApp(dev.token);
    await t.api.call('PATCH', `/v1/apps/${appId}/branding`, {
      auth: { bearer: dev.token },
      body: { colors: { accent: '#123456' }, fonts: { heading: 'Roboto Slab' } },
    });
    const css = await t.cp.http.app.request(`/v1/apps/${appId}/branding.css`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` },
    });
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    const text = await css.text();
    expect(text).toContain('--bl-accent: #123456;');
    expect(text).toContain('--bl-font-heading: "Roboto Slab"');
    const pub = await t.cp.http.app.request(`/v1/branding/${appId}/theme.css`);
    expect(await pub.text()).toBe(text);
    expect((await t.cp.http.app.request(`/v1/apps/${appId}/branding.css`)).status).toBe(401);
    const missing = await t.api.call('GET', '/v1/branding/app_doesnotexist0000000/theme.css');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('app_not_found');
  });

  it('takes a logo by its bytes, serves it publicly and immutably, and refuses wrong types and sizes', async () => {
    const dev = await t.api.register();
    const { appId } = await t.api.createApp(dev.token);
    const ok = await upload(appId, dev.token, 'logo', PNG);
    expect(ok.status).toBe(200);
    expect(ok.body.logoUrl).toMatch(new RegExp(`^/v1/branding/${appId}/assets/logo-[0-9a-f]{20}\\.png$`));
    const img = await t.cp.http.app.request(ok.body.logoUrl);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('cache-control')).toContain('immutable');
    expect(img.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);

    const svg = await upload(
      appId,
      dev.token,
      'favicon',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'f.svg',
    );
    expect(svg.status).toBe(200);
    expect(svg.body.faviconUrl).toMatch(/\.svg$/);

    const html = await upload(
      appId,
      dev.token,
      'logo',
      Buffer.from('<html><script>alert(1)</script></html>'),
      'evil.png',
    );
    expect(html.status).toBe(400);
    expect(html.body.error.code).toBe('unsupported_file_type');
    const big = await upload(appId, dev.token, 'favicon', Buffer.concat([PNG, Buffer.alloc(200 * 1024)]));
    expect(big.status).toBe(400);
    expect(big.body.error.code).toBe('file_too_large');
    const empty = await upload(appId, dev.token, 'watermark', new Uint8Array());
    expect(empty.body.error.code).toBe('file_empty');
    const json = await t.api.call('PUT', `/v1/apps/${appId}/branding/logo`, { auth: { bearer: dev.token }, body: {} });
    expect(json.status).toBe(415); // the route takes multipart/form-data only
    expect(json.body.error.code).toBeTypeOf('string');

    // A replaced logo's old URL stops answering; removal clears it.
    const second = await upload(appId, dev.token, 'logo', Buffer.concat([PNG, Buffer.from([0])]));
    expect(second.body.logoUrl).not.toBe(ok.body.logoUrl);
    expect((await t.cp.http.app.request(ok.body.logoUrl)).status).toBe(404);
    const removed = await t.api.call('DELETE', `/v1/apps/${appId}/branding/logo`, { auth: { bearer: dev.token } });
    expect(removed.body.logoUrl).toBeNull();
    expect((await t.cp.http.app.request(second.body.logoUrl)).status).toBe(404);
  });

  it("never shows or changes another app's branding or domains", async () => {
    const a = await t.api.register();
    const appA = await t.api.createApp(a.token);
    await t.api.call('PATCH', `/v1/apps/${appA.appId}/branding`, {
      auth: { bearer: a.token },
      body: { supportEmail: 'a@a.example' },
    });
    await t.api.call('POST', `/v1/apps/${appA.appId}/domains`, {
      auth: { bearer: a.token },
      body: { hostname: 'a-only.example.com' },
    });
    const logo = await upload(appA.appId, a.token, 'logo', PNG);
    const b = await t.api.register();
    const appB = await t.api.createApp(b.token);
    for (const auth of [{ bearer: b.token }, { basic: [appB.key, appB.secret] as [string, string] }]) {
      for (const [method, path, body] of [
        ['GET', `/v1/apps/${appA.appId}/branding`],
        ['PATCH', `/v1/apps/${appA.appId}/branding`, { supportEmail: 'evil@b.example' }],
        ['GET', `/v1/apps/${appA.appId}/domains`],
        ['DELETE', `/v1/apps/${appA.appId}/branding/logo`],
      ] as [string, string, unknown?][]) {
        const res = await t.api.call(method, path, { auth, body });
        expect([403, 404], `${method} ${path}`).toContain(res.status);
        expect(JSON.stringify(res.body)).not.toContain('a@a.example');
      }
    }
    // B's own branding and domains are B's: A's domain and logo are not there.
    expect(
      (await t.api.call('GET', `/v1/apps/${appB.appId}/domains`, { auth: { bearer: b.token } })).body.data,
    ).toEqual([]);
    expect(
      (await t.api.call('GET', `/v1/apps/${appB.appId}/branding`, { auth: { bearer: b.token } })).body.logoUrl,
    ).toBeNull();
    // A's image is not reachable under B's app id.
    const file = logo.body.logoUrl.split('/').pop();
    expect((await t.cp.http.app.request(`/v1/branding/${appB.appId}/assets/${file}`)).status).toBe(404);
    expect(
      (await t.api.call('GET', `/v1/apps/${appA.appId}/branding`, { auth: { bearer: a.token } })).body.supportEmail,
    ).toBe('a@a.example');
  });
});

describe('custom domains', () => {
  it('verifies a domain only once its TXT record is in DNS, and one app at most owns a host name', async () => {
    const dev = await t.api.register();
    const { appId } = await t.api.createApp(dev.token);
    const auth = { bearer: dev.token };
    const bad = await t.api.call('POST', `/v1/apps/${appId}/domains`, { auth, body: { hostname: 'not a host' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_hostname');

    const added = await t.api.call('POST', `/v1/apps/${appId}/domains`, {
      auth,
      body: { hostname: 'Live.Brand.Example.' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ hostname: 'live.brand.example', status: 'pending' });
    const record = added.body.txtRecord;
    expect(record.name).toBe('_beamline-challenge.live.brand.example');
    const dup = await t.api.call('POST', `/v1/apps/${appId}/domains`, {
      auth,
      body: { hostname: 'live.brand.example' },
    });
    expect(dup.body.error.code).toBe('domain_exists');

    const verify = () => t.api.call('POST', `/v1/apps/${appId}/domains/${added.body.id}/verify`, { auth });
    const missing = await verify();
    expect(missing.status).toBe(200);
    expect(missing.body.status).toBe('pending');
    expect(missing.body.lastError).toContain('No TXT record');

    dns.txt.set(record.name, ['some-other=value']);
    const wrong = await verify();
    expect(wrong.body.status).toBe('pending');
    expect(wrong.body.lastError).toContain('found 1 other record');

    dns.txt.set(record.name, ['some-other=value', record.value]);
    const ok = await verify();
    expect(ok.body.status).toBe('verified');
    expect(ok.body.verifiedAt).toBeTypeOf('string');
    expect(ok.body.lastError).toBeNull();

    // Another app may claim the name but never verify it while this app holds it.
    const other = await t.api.register();
    const otherApp = await t.api.createApp(other.token);
    const taken = await t.api.call('POST', `/v1/apps/${otherApp.appId}/domains`, {
      auth: { bearer: other.token },
      body: { hostname: 'live.brand.example' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('domain_taken');

    const removed = await t.api.call('DELETE', `/v1/apps/${appId}/domains/${added.body.id}`, { auth });
    expect(removed.status).toBe(204);
    expect((await t.api.call('GET', `/v1/apps/${appId}/domains`, { auth })).body.data).toEqual([]);
  });
});

describe('the player page API', () => {
  it("tells a viewer a stream's state and the app's branding by playback id, and mints guest chat tokens", async () => {
    const dev = await t.api.register();
    const { appId, key } = await t.api.createApp(dev.token);
    const auth = { bearer: dev.token };
    await t.api.call('PATCH', `/v1/apps/${appId}/branding`, {
      auth,
      body: { colors: { primary: '#00aa55' }, emailFooter: 'internal footer' },
    });
    const stream = await t.api.call('POST', `/v1/apps/${appId}/streams`, { auth, body: { name: 'Launch' } });
    expect(stream.status).toBe(201);
    const watch = await t.api.call('GET', `/v1/watch/${stream.body.playbackId}`);
    expect(watch.status).toBe(200);
    expect(watch.body.stream).toMatchObject({ id: stream.body.id, name: 'Launch', status: 'offline', viewers: 0 });
    expect(watch.body.stream.hlsUrl).toBe(stream.body.hlsUrl);
    expect(watch.body.branding.colors.primary).toBe('#00aa55');
    expect(watch.body.branding.emailFooter).toBeNull();
    expect(JSON.stringify(watch.body)).not.toContain(stream.body.streamKey);

    const guest = await t.api.call('POST', `/v1/watch/${stream.body.playbackId}/chat-token`, { body: { name: 'Ada' } });
    expect(guest.status).toBe(201);
    expect(guest.body.channelId).toBe(stream.body.id);
    const claims = JSON.parse(Buffer.from(guest.body.token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      app: key,
      role: 'guest',
      channel: stream.body.id,
      name: 'Ada',
      sub: guest.body.userId,
    });

    await t.api.call('PATCH', `/v1/apps/${appId}/branding`, { auth, body: { guestChat: false } });
    const closed = await t.api.call('POST', `/v1/watch/${stream.body.playbackId}/chat-token`, {
      body: { name: 'Ada' },
    });
    expect(closed.status).toBe(403);
    expect(closed.body.error.code).toBe('guest_chat_disabled');
    expect((await t.api.call('GET', '/v1/watch/doesnotexist')).body.error.code).toBe('playback_not_found');
  });
});

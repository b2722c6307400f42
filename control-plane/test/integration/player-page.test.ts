// The hosted player page's public API over real HTTP, as an attacker would call it: a signed stream stays private
// without its playback token, guests are browsers (a signed cookie, rate-limited when new), the owner's guest chat
// mode holds, and stream secrets go only to roles that may change the stream.
import { hmacKey } from '@beamline/core';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestControlPlane, overLoopback, type ApiClient, type TestControlPlane } from '../helpers';

let t: TestControlPlane;
let api: ApiClient;

beforeAll(async () => {
  t = await buildTestControlPlane();
  ({ api } = await overLoopback(t));
});
afterAll(() => t?.close());

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

/** A developer with an app and a stream; the owner's session and the app's key. */
async function appWithStream(body: Record<string, unknown> = {}) {
  const owner = await api.register();
  const app = await api.createApp(owner.token);
  const auth = { bearer: owner.token };
  const stream = await api.call('POST', `/v1/apps/${app.appId}/streams`, { auth, body: { name: 'Launch', ...body } });
  expect(stream.status).toBe(201);
  return { owner, auth, app, stream: stream.body as { id: string; playbackId: string; streamKey: string } };
}

const guestToken = (playbackId: string, opts: { cookie?: string; body?: object; headers?: object } = {}) =>
  api.call('POST', `/v1/watch/${playbackId}/chat-token`, {
    body: { name: 'Ada', ...opts.body },
    headers: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers },
  });

/** The guest cookie a response set, as a browser would send it back. */
function cookieOf(res: { headers: Headers }): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('beamline_guest='));
  expect(set, 'the guest cookie is set').toBeDefined();
  return set!.split(';')[0]!;
}

describe('a signed stream stays private', () => {
  it('describes it and gives guest chat tokens only with a valid playback token of that stream', async () => {
    const { auth, app, stream } = await appWithStream({ playbackPolicy: 'signed' });
    const other = await api.call('POST', `/v1/apps/${app.appId}/streams`, {
      auth,
      body: { name: 'Other', playbackPolicy: 'signed' },
    });
    const mint = async (streamId: string) =>
      (await api.call('POST', `/v1/apps/${app.appId}/streams/${streamId}/playback-tokens`, { auth, body: {} })).body
        .token as string;
    const secretWords = [stream.id, 'Launch', app.appId, stream.streamKey];
    const refused = (res: { status: number; body: any }, code: string) => {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe(code);
      for (const w of secretWords) expect(JSON.stringify(res.body)).not.toContain(w);
    };

    refused(await api.call('GET', `/v1/watch/${stream.playbackId}`), 'playback_token_required');
    refused(await guestToken(stream.playbackId), 'playback_token_required');

    // Tokens an attacker can get: another stream's, an expired one, one signed by another app's key for this id.
    const stranger = await api.createApp((await api.register()).token);
    const now = Math.floor(Date.now() / 1000);
    const sign = (secret: string, claims: { kid: string; aud?: string; exp?: number }) =>
      jwt.sign({ sub: stream.playbackId, aud: 'playback', exp: now + 600, ...claims }, hmacKey(secret), {
        algorithm: 'HS256',
      });
    const forged = sign(stranger.secret, { kid: stranger.key });
    const forgedWithOurKid = sign(stranger.secret, { kid: app.key });
    const expired = sign(app.secret, { kid: app.key, exp: now - 5 });
    const notPlayback = sign(app.secret, { kid: app.key, aud: 'something-else' });
    for (const bad of [await mint(other.body.id), forged, forgedWithOurKid, expired, notPlayback, 'not.a.jwt']) {
      refused(
        await api.call('GET', `/v1/watch/${stream.playbackId}?token=${encodeURIComponent(bad)}`),
        'playback_token_invalid',
      );
      refused(await guestToken(stream.playbackId, { body: { playbackToken: bad } }), 'playback_token_invalid');
    }

    const token = await mint(stream.id);
    const watch = await api.call('GET', `/v1/watch/${stream.playbackId}?token=${encodeURIComponent(token)}`);
    expect(watch.status).toBe(200);
    expect(watch.body.stream).toMatchObject({ id: stream.id, name: 'Launch', playbackPolicy: 'signed' });
    // Signed streams are closed to guests until the owner opens them.
    expect(watch.body.chat).toMatchObject({ guestChat: 'off', guestAccess: false });
    const closed = await guestToken(stream.playbackId, { body: { playbackToken: token } });
    expect(closed.status).toBe(403);
    expect(closed.body.error.code).toBe('guest_chat_disabled');

    await api.call('PATCH', `/v1/apps/${app.appId}/streams/${stream.id}`, { auth, body: { guestChat: 'chat' } });
    const inBody = await guestToken(stream.playbackId, { body: { playbackToken: token } });
    expect(inBody.status).toBe(201);
    const inHeader = await guestToken(stream.playbackId, { headers: { 'x-playback-token': token } });
    expect(inHeader.status).toBe(201);
  });
});

describe('guests are browsers', () => {
  it('issues role guest tokens for one channel, under an identity a signed HttpOnly cookie keeps', async () => {
    const { app, stream } = await appWithStream();
    const first = await guestToken(stream.playbackId);
    expect(first.status).toBe(201);
    const set = first.headers.getSetCookie().find((c) => c.startsWith('beamline_guest='))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).toMatch(/Path=\/v1\/watch/i);
    expect(set).not.toMatch(/Secure/i); // plain http on loopback
    expect(first.body).toMatchObject({ channelId: stream.id, guestChat: 'chat' });
    expect(claimsOf(first.body.token)).toMatchObject({
      sub: first.body.userId,
      app: app.key,
      role: 'guest',
      channel: stream.id,
      name: 'Ada',
    });
    expect(first.body.userId).toMatch(/^guest_/);

    // A new tab of the same browser sends the cookie: the same guest, so a ban or a mute holds.
    const cookie = cookieOf(first);
    const again = await guestToken(stream.playbackId, { cookie, body: { name: 'Ada again' } });
    expect(again.body.userId).toBe(first.body.userId);
    // Another browser, a forged cookie or an id without its signature: another guest.
    const other = await guestToken(stream.playbackId);
    expect(other.body.userId).not.toBe(first.body.userId);
    const [name, value] = cookie.split('=') as [string, string];
    const browserId = decodeURIComponent(value).split('.')[0]!;
    for (const forged of [`${name}=${browserId}`, `${name}=${encodeURIComponent(`gb_${'0'.repeat(32)}.AAAA`)}`]) {
      const res = await guestToken(stream.playbackId, { cookie: forged });
      expect(res.status).toBe(201);
      expect(res.body.userId).not.toBe(first.body.userId);
    }

    // The same browser on another app's player page is a guest nobody can link to this one.
    const elsewhere = await appWithStream();
    const there = await guestToken(elsewhere.stream.playbackId, { cookie });
    expect(there.status).toBe(201);
    expect(there.body.userId).not.toBe(first.body.userId);
    expect(there.headers.getSetCookie()).toEqual([]);
  });

  it('marks the cookie Secure when the platform is served over https', async () => {
    const secure = await buildTestControlPlane({ PUBLIC_BASE_URL: 'https://play.example.com' });
    try {
      const { api: over } = await overLoopback(secure);
      const owner = await over.register();
      const app = await over.createApp(owner.token);
      const stream = await over.call('POST', `/v1/apps/${app.appId}/streams`, {
        auth: { bearer: owner.token },
        body: { name: 'S' },
      });
      const res = await over.call('POST', `/v1/watch/${stream.body.playbackId}/chat-token`, { body: { name: 'A' } });
      expect(res.status).toBe(201);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('beamline_guest='))).toMatch(/; Secure/i);
    } finally {
      await secure.close();
    }
  });

  it('limits new guest identities per address and per stream with 429 guest_identity_rate_limited', async () => {
    const limited = await buildTestControlPlane({
      GUEST_IDENTITIES_PER_IP_PER_HOUR: '4',
      GUEST_IDENTITIES_PER_STREAM_PER_MINUTE: '2',
    });
    try {
      const { api: over } = await overLoopback(limited);
      const owner = await over.register();
      const app = await over.createApp(owner.token);
      const streamOf = async (name: string) =>
        (await over.call('POST', `/v1/apps/${app.appId}/streams`, { auth: { bearer: owner.token }, body: { name } }))
          .body.playbackId as string;
      const [a, b] = [await streamOf('A'), await streamOf('B')];
      const ask = (pb: string, cookie?: string) =>
        over.call('POST', `/v1/watch/${pb}/chat-token`, {
          body: { name: 'x' },
          headers: cookie ? { cookie } : {},
        });
      const kept = await ask(a);
      expect(kept.status).toBe(201);
      expect((await ask(a)).status).toBe(201);
      const perStream = await ask(a);
      expect(perStream.status).toBe(429);
      expect(perStream.body.error.code).toBe('guest_identity_rate_limited');
      expect(Number(perStream.headers.get('retry-after'))).toBeGreaterThan(0);
      // The address has one new identity left, on another stream; then it is refused there too.
      expect((await ask(b)).status).toBe(201);
      const perIp = await ask(b);
      expect(perIp.status).toBe(429);
      expect(perIp.body.error.code).toBe('guest_identity_rate_limited');
      // A guest the browser already is keeps chatting: the limits count new identities only.
      const again = await ask(a, cookieOf(kept));
      expect(again.status).toBe(201);
      expect(again.body.userId).toBe(kept.body.userId);
    } finally {
      await limited.close();
    }
  });
});

describe("the owner's guest chat mode", () => {
  it('is set per stream (chat, read, off, or back to the default) and followed by the page and the token route', async () => {
    const { auth, app, stream } = await appWithStream({ guestChat: 'read' });
    const path = `/v1/apps/${app.appId}/streams/${stream.id}`;
    expect((await api.call('GET', path, { auth })).body.guestChat).toBe('read');
    expect((await api.call('GET', `/v1/watch/${stream.playbackId}`)).body.chat).toMatchObject({
      guestChat: 'read',
      guestAccess: true,
    });
    const reader = await guestToken(stream.playbackId);
    expect(reader.status).toBe(201);
    expect(reader.body.guestChat).toBe('read');

    const off = await api.call('PATCH', path, { auth, body: { guestChat: 'off' } });
    expect(off.body.guestChat).toBe('off');
    const refused = await guestToken(stream.playbackId);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('guest_chat_disabled');

    // null: back to the app's default, which for a public stream follows the branding's guest chat switch.
    const reset = await api.call('PATCH', path, { auth, body: { guestChat: null } });
    expect(reset.body.guestChat).toBeNull();
    expect((await guestToken(stream.playbackId)).body.guestChat).toBe('chat');
    await api.call('PATCH', `/v1/apps/${app.appId}/branding`, { auth, body: { guestChat: false } });
    expect((await guestToken(stream.playbackId)).status).toBe(403);

    for (const guestChat of ['write', true, 1]) {
      const bad = await api.call('PATCH', path, { auth, body: { guestChat } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
  });
});

describe('stream secrets by role', () => {
  it('a viewer member sees streams without keys, publish URLs or restream credentials on every stream route', async () => {
    const { owner, auth, app, stream } = await appWithStream({
      restreamTargets: [{ url: 'rtmp://1.1.1.1/live2?auth=qs-secret', streamKey: 'yt-secret-key' }],
    });
    const viewer = await api.register();
    const editor = await api.register();
    await api.addMember(owner.token, app.appId, viewer, 'viewer');
    await api.addMember(owner.token, app.appId, editor, 'editor');
    const secrets = [stream.streamKey, 'yt-secret-key', 'qs-secret'];
    const base = `/v1/apps/${app.appId}/streams`;
    const routes: [string, string, object?][] = [
      ['GET', base],
      ['GET', `${base}/${stream.id}`],
      ['POST', base, { name: 'Mine' }],
      ['PATCH', `${base}/${stream.id}`, { name: 'Renamed' }],
      ['POST', `${base}/${stream.id}/reset-key`],
      ['POST', `${base}/${stream.id}/disable`],
      ['POST', `${base}/${stream.id}/enable`],
    ];
    for (const [method, path, body] of routes) {
      const res = await api.call(method, path, { auth: { bearer: viewer.token }, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
      for (const s of secrets) expect(JSON.stringify(res.body), `${method} ${path}`).not.toContain(s);
    }
    const seen = await api.call('GET', `${base}/${stream.id}`, { auth: { bearer: viewer.token } });
    expect(seen.status).toBe(200);
    expect(seen.body).not.toHaveProperty('streamKey');
    expect(seen.body).not.toHaveProperty('publishUrl');
    expect(seen.body.rtmpUrl).toMatch(/^rtmp:\/\//);
    expect(seen.body.restreamTargets).toEqual([
      { id: expect.any(String), url: 'rtmp://1.1.1.1/live2', enabled: true, status: 'stopped', error: null },
    ]);
    const listed = await api.call('GET', base, { auth: { bearer: viewer.token } });
    expect(listed.body.data[0]).not.toHaveProperty('streamKey');

    // Those who may change the stream see everything: editors and API keys.
    for (const who of [{ bearer: editor.token }, { basic: [app.key, app.secret] as [string, string] }, auth]) {
      const full = await api.call('GET', `${base}/${stream.id}`, { auth: who });
      expect(full.body.streamKey).toBe(stream.streamKey);
      expect(full.body.publishUrl).toContain(stream.streamKey);
      expect(full.body.restreamTargets[0].streamKey).toBe('yt-secret-key');
    }
    const reset = await api.call('POST', `${base}/${stream.id}/reset-key`, { auth: { bearer: editor.token } });
    expect(reset.body.streamKey).toMatch(/^lsk_/);

    // No platform event of the stream carries a key.
    const events = await t.store.collection<{ id: string; appId: string }>('events').find({ appId: app.appId });
    expect(events.length).toBeGreaterThan(0);
    for (const s of [...secrets, reset.body.streamKey]) expect(JSON.stringify(events)).not.toContain(s);
  });
});

describe("the dashboard's realtime token", () => {
  it("marks a member's session scope dashboard, whatever the role", async () => {
    const owner = await api.register();
    const app = await api.createApp(owner.token);
    const viewer = await api.register();
    await api.addMember(owner.token, app.appId, viewer, 'viewer');
    for (const [who, role] of [
      [owner, 'admin'],
      [viewer, 'user'],
    ] as const) {
      const res = await api.call('POST', `/v1/apps/${app.appId}/realtime-token`, { auth: { bearer: who.token } });
      expect(res.status).toBe(201);
      expect(jwt.verify(res.body.token, hmacKey(app.secret), { algorithms: ['HS256'] })).toMatchObject({
        sub: `dashboard:${who.userId}`,
        role,
        scope: 'dashboard',
      });
    }
    // A guest of the player page is not a member's session.
    const stream = await api.call('POST', `/v1/apps/${app.appId}/streams`, {
      auth: { bearer: owner.token },
      body: { name: 'S' },
    });
    const guest = await guestToken(stream.body.playbackId);
    expect(claimsOf(guest.body.token)).not.toHaveProperty('scope');
  });
});

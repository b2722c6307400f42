// Streams, transcoding profiles and the internal edge API through the HTTP routes (in-process).
import { EDGE_SIGNATURE_HEADER, signEdgeRequest } from '@beamline/core';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

const EDGE_SECRET = 'edge-secret-for-tests-0123456789';
let t: TestControlPlane;
let owner: Awaited<ReturnType<TestControlPlane['api']['register']>>;
let app: Awaited<ReturnType<TestControlPlane['api']['createApp']>>;
beforeAll(async () => {
  t = await buildTestControlPlane({ EDGE_SECRET });
  owner = await t.api.register();
  app = await t.api.createApp(owner.token);
});
afterAll(() => t.close());

const asKey = (a: { key: string; secret: string }) => ({ basic: [a.key, a.secret] as [string, string] });
const v1 = (path: string) => `/v1/apps/${app.appId}${path}`;
const edge = (method: string, path: string, body?: unknown, secret = EDGE_SECRET) => {
  const full = `/internal/edge${path}`;
  const raw = body === undefined ? undefined : JSON.stringify(body);
  const signature = signEdgeRequest([secret], { method, path: full, body: raw ?? null });
  return t.api.call(method, full, {
    ...(raw === undefined ? {} : { raw }),
    headers: secret ? { [EDGE_SIGNATURE_HEADER]: signature } : {},
  });
};

describe('streams API', () => {
  it('creates, lists by status, updates and deletes streams with stable error codes', async () => {
    const created = await t.api.call('POST', v1('/streams'), {
      auth: asKey(app),
      body: { name: 'Main stage', latencyMode: 'low', playbackPolicy: 'signed', record: true },
    });
    expect(created.status).toBe(201);
    const s = created.body;
    expect(s).toMatchObject({ name: 'Main stage', latencyMode: 'low', playbackPolicy: 'signed', status: 'idle' });
    expect(s.id).toMatch(/^str_/);
    expect(s.streamKey).toMatch(/^lsk_[A-Za-z0-9]{40}$/);
    expect(s.playbackId).not.toBe(s.id);
    expect(s.publishUrl).toBe(`${s.rtmpUrl}/${s.streamKey}`);
    expect(s.hlsUrl).toMatch(new RegExp(`/hls/${s.playbackId}/master.m3u8$`));

    const bad = await t.api.call('POST', v1('/streams'), {
      auth: asKey(app),
      body: { name: 'x', playbackPolicy: 'open' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const badTarget = await t.api.call('POST', v1('/streams'), {
      auth: asKey(app),
      body: { name: 'x', restreamTargets: [{ url: 'http://example.com', streamKey: 'k' }] },
    });
    expect(badTarget.status).toBe(400);
    const noProfile = await t.api.call('POST', v1('/streams'), {
      auth: asKey(app),
      body: { name: 'x', profileId: 'prf_nope' },
    });
    expect(noProfile.status).toBe(404);
    expect(noProfile.body.error.code).toBe('profile_not_found');

    const updated = await t.api.call('PATCH', v1(`/streams/${s.id}`), { auth: asKey(app), body: { name: 'Renamed' } });
    expect(updated.body.name).toBe('Renamed');
    const idle = await t.api.call('GET', v1('/streams?status=idle'), { auth: asKey(app) });
    expect(idle.body.data.map((x: { id: string }) => x.id)).toContain(s.id);
    const live = await t.api.call('GET', v1('/streams?status=live'), { auth: asKey(app) });
    expect(live.body.data).toEqual([]);
    expect((await t.api.call('DELETE', v1(`/streams/${s.id}`), { auth: asKey(app) })).status).toBe(200);
    const gone = await t.api.call('GET', v1(`/streams/${s.id}`), { auth: asKey(app) });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('stream_not_found');
  });

  it('keeps apps apart and lets viewers read but not write', async () => {
    const s = (await t.api.call('POST', v1('/streams'), { auth: asKey(app), body: { name: 'Mine' } })).body;
    const stranger = await t.api.register();
    const theirs = await t.api.createApp(stranger.token);
    for (const [method, path] of [
      ['GET', `/streams/${s.id}`],
      ['PATCH', `/streams/${s.id}`],
      ['POST', `/streams/${s.id}/reset-key`],
      ['POST', `/streams/${s.id}/playback-tokens`],
      ['DELETE', `/streams/${s.id}`],
    ] as const) {
      const res = await t.api.call(method, `/v1/apps/${theirs.appId}${path}`, {
        auth: asKey(theirs),
        ...(method === 'PATCH' ? { body: { name: 'hijack' } } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const cross = await t.api.call('GET', v1('/streams'), { auth: asKey(theirs) });
    expect(cross.status).toBe(404);
    expect(cross.body.error.code).toBe('app_not_found');

    const viewer = await t.api.register();
    await t.api.addMember(owner.token, app.appId, viewer, 'viewer');
    expect((await t.api.call('GET', v1(`/streams/${s.id}`), { auth: { bearer: viewer.token } })).status).toBe(200);
    const write = await t.api.call('POST', v1(`/streams/${s.id}/disable`), { auth: { bearer: viewer.token } });
    expect(write.status).toBe(403);
  });

  it('lists the default profile first, validates profiles and protects those in use', async () => {
    const list = await t.api.call('GET', v1('/transcoding-profiles'), { auth: asKey(app) });
    expect(list.body.data[0]).toMatchObject({ id: 'default', builtIn: true, passthrough: true, segmentSeconds: 2 });
    expect(list.body.data[0].renditions.map((r: { height: number }) => r.height)).toEqual([720, 480, 360]);
    expect((await t.api.call('DELETE', v1('/transcoding-profiles/default'), { auth: asKey(app) })).status).toBe(400);
    const dup = await t.api.call('POST', v1('/transcoding-profiles'), {
      auth: asKey(app),
      body: {
        name: 'Dup',
        renditions: [
          { height: 360, videoBitrateKbps: 800 },
          { height: 360, videoBitrateKbps: 600 },
        ],
      },
    });
    expect(dup.status).toBe(400);
    const p = await t.api.call('POST', v1('/transcoding-profiles'), {
      auth: asKey(app),
      body: { name: '1080', renditions: [{ height: 1080, videoBitrateKbps: 5000, fps: 60 }], encoder: 'h264_nvenc' },
    });
    expect(p.status).toBe(201);
    const s = (
      await t.api.call('POST', v1('/streams'), { auth: asKey(app), body: { name: 'P', profileId: p.body.id } })
    ).body;
    const inUse = await t.api.call('DELETE', v1(`/transcoding-profiles/${p.body.id}`), { auth: asKey(app) });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('profile_in_use');
    await t.api.call('DELETE', v1(`/streams/${s.id}`), { auth: asKey(app) });
    expect((await t.api.call('DELETE', v1(`/transcoding-profiles/${p.body.id}`), { auth: asKey(app) })).status).toBe(
      200,
    );
  });

  it('mints playback tokens the edge and the SDK agree on', async () => {
    const s = (
      await t.api.call('POST', v1('/streams'), { auth: asKey(app), body: { name: 'Signed', playbackPolicy: 'signed' } })
    ).body;
    const res = await t.api.call('POST', v1(`/streams/${s.id}/playback-tokens`), {
      auth: asKey(app),
      body: { ttlSeconds: 60, viewerId: 'u1' },
    });
    expect(res.status).toBe(201);
    const claims = jwt.verify(res.body.token, app.secret, {
      algorithms: ['HS256'],
      audience: 'playback',
    }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: s.playbackId, kid: app.key, viewerId: 'u1' });
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60);
    const tooLong = await t.api.call('POST', v1(`/streams/${s.id}/playback-tokens`), {
      auth: asKey(app),
      body: { ttlSeconds: 1e9 },
    });
    expect(tooLong.status).toBe(400);
  });
});

describe('internal edge API', () => {
  it('needs the edge secret', async () => {
    expect((await edge('POST', '/publish-auth', { streamKey: 'x' }, '')).status).toBe(401);
    expect((await edge('POST', '/publish-auth', { streamKey: 'x' }, 'wrong-secret-0123456789')).status).toBe(401);
    const bad = await edge('POST', '/publish-auth', { nope: 1 });
    expect(bad.status).toBe(400);
  });

  it('admits one session per key, ignores reports of other sessions, and cuts on key reset or disable', async () => {
    const s = (
      await t.api.call('POST', v1('/streams'), { auth: asKey(app), body: { name: 'Edge', reconnectWindowSeconds: 30 } })
    ).body;
    expect((await edge('POST', '/publish-auth', { streamKey: 'lsk_unknown' })).body).toEqual({
      allow: false,
      reason: 'unknown_key',
    });
    const allow = (await edge('POST', '/publish-auth', { streamKey: s.streamKey })).body;
    expect(allow).toMatchObject({
      allow: true,
      resumed: false,
      streamId: s.id,
      appId: app.appId,
      playbackId: s.playbackId,
    });
    expect(allow.profile.renditions).toHaveLength(3);
    expect((await edge('POST', '/publish-auth', { streamKey: s.streamKey })).body).toEqual({
      allow: false,
      reason: 'already_live',
    });

    const lifecycle = (body: object) => edge('POST', `/streams/${s.id}/lifecycle`, body);
    expect(
      (await lifecycle({ type: 'started', sessionId: 'ses_other', resumed: false, edgeUrl: 'http://e' })).status,
    ).toBe(409);
    expect(
      (await lifecycle({ type: 'started', sessionId: allow.sessionId, resumed: false, edgeUrl: 'http://e' })).status,
    ).toBe(200);
    expect((await t.api.call('GET', v1(`/streams/${s.id}`), { auth: asKey(app) })).body.status).toBe('live');

    // disconnect: a reconnect within the window resumes the same session
    await lifecycle({ type: 'disconnected', sessionId: allow.sessionId });
    expect((await t.api.call('GET', v1(`/streams/${s.id}`), { auth: asKey(app) })).body.status).toBe('disconnected');
    const again = (await edge('POST', '/publish-auth', { streamKey: s.streamKey })).body;
    expect(again).toMatchObject({ allow: true, resumed: true, sessionId: allow.sessionId });
    await lifecycle({ type: 'started', sessionId: allow.sessionId, resumed: true, edgeUrl: 'http://e' });

    const stats = (body: object = {}) =>
      edge('POST', `/streams/${s.id}/stats`, { sessionId: allow.sessionId, ...body });
    expect((await stats({ ingest: { width: 1280, height: 720, bitrateKbps: 3000 } })).body).toEqual({ continue: true });
    expect((await t.api.call('GET', v1(`/streams/${s.id}`), { auth: asKey(app) })).body.ingest).toMatchObject({
      width: 1280,
    });
    await t.api.call('POST', v1(`/streams/${s.id}/reset-key`), { auth: asKey(app) });
    expect((await stats()).body).toEqual({ continue: false, reason: 'key_reset' });
    await lifecycle({ type: 'ended', sessionId: allow.sessionId, reason: 'key_reset' });
    expect((await t.api.call('GET', v1(`/streams/${s.id}`), { auth: asKey(app) })).body.status).toBe('idle');
    // the ended session's late reports change nothing
    expect(
      (await lifecycle({ type: 'started', sessionId: allow.sessionId, resumed: false, edgeUrl: 'http://e' })).status,
    ).toBe(409);
    expect((await stats()).body).toEqual({ continue: false, reason: 'stale_session' });

    const fresh = (await t.api.call('GET', v1(`/streams/${s.id}`), { auth: asKey(app) })).body;
    await t.api.call('POST', v1(`/streams/${s.id}/disable`), { auth: asKey(app) });
    expect((await edge('POST', '/publish-auth', { streamKey: fresh.streamKey })).body).toEqual({
      allow: false,
      reason: 'disabled',
    });
  });

  it('gives the edge the policy and key secrets of a playback id, and records usage', async () => {
    const s = (
      await t.api.call('POST', v1('/streams'), { auth: asKey(app), body: { name: 'Info', playbackPolicy: 'signed' } })
    ).body;
    const info = await edge('GET', `/playback/${s.playbackId}`);
    expect(info.body).toMatchObject({
      playbackId: s.playbackId,
      appId: app.appId,
      streamId: s.id,
      playbackPolicy: 'signed',
    });
    expect(info.body.keys).toContainEqual({ key: app.key, secrets: [app.secret] });
    expect((await edge('GET', '/playback/unknownPlaybackId')).status).toBe(404);
    expect((await edge('POST', '/usage', { streams: [{ streamId: s.id, viewers: 3, bytes: 1000 }] })).status).toBe(200);
    expect((await t.api.call('GET', v1(`/streams/${s.id}`), { auth: asKey(app) })).body.viewers).toBe(0); // idle streams show 0
  });
});

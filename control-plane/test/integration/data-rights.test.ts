// Data rights over real servers on loopback: a control plane and a realtime node sharing one store and bus,
// real Socket.IO clients. Export contents, the "right to be forgotten" cascade, app and account erasure,
// and the per-app origin check of the realtime handshake.
import { createLogger, PRIVACY_TOPIC } from '@beamline/core';
import { freePort, waitFor } from '@beamline/core/testing';
import { chatRepos, createChatServices, signUserToken } from '@beamline/chat';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeNode, type RealtimeNode } from '@beamline/realtime';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

type App = { appId: string; key: string; secret: string };

let t: TestControlPlane;
let rt: RealtimeNode;
let rtUrl: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await buildTestControlPlane();
  const log = createLogger({ name: 'test', level: 'silent', pretty: false });
  const chat = await createChatServices({
    store: t.store,
    events: t.cp.events,
    log,
    limits: { messagesPer10s: 1000, reactionsPerSecond: 100 },
  });
  rt = await createRealtimeNode({ store: t.store, bus: t.bus, secretBox: t.box, chat, log });
  rtUrl = `http://127.0.0.1:${(await rt.listen(await freePort(), '127.0.0.1')).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await rt?.close();
  await t?.close();
});

async function connect(app: App, userId: string, origin?: string): Promise<Socket> {
  const token = signUserToken(app.secret, { sub: userId, app: app.key }, 600);
  const socket = io(rtUrl, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    ...(origin ? { extraHeaders: { origin } } : {}),
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function ask(socket: Socket, name: string, payload: unknown): Promise<any> {
  const ack = await socket.timeout(5000).emitWithAck(name, payload);
  if (ack?.error) throw new Error(`${name}: ${JSON.stringify(ack.error)}`);
  return ack;
}

const basic = (app: App) => ({ basic: [app.key, app.secret] as [string, string] });

async function channel(owner: string, app: App, body: object): Promise<string> {
  const res = await t.api.call('POST', `/v1/apps/${app.appId}/channels`, { auth: { bearer: owner }, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** Every stored document of the app in a collection, as text, for "nothing of it remains" checks. */
async function storedText(collection: string, appId: string): Promise<string> {
  return JSON.stringify(await t.store.collection(collection).find({ appId }));
}

describe('right to be forgotten', () => {
  it("erases one end user's chat data in every collection, drops their connections, and spares others", async () => {
    const owner = await t.api.register();
    const a = await t.api.createApp(owner.token, 'Forget app');
    const b = await t.api.createApp(owner.token, 'Other app');
    const general = await channel(owner.token, a, {
      type: 'messaging',
      name: 'general',
      members: ['u1', 'u2'],
      moderators: ['u1'],
    });
    const quiet = await channel(owner.token, a, { type: 'messaging', name: 'quiet' });
    const bChannel = await channel(owner.token, b, { type: 'messaging', name: 'b' });

    const u1 = await connect(a, 'u1');
    const u2 = await connect(a, 'u2');
    const u1b = await connect(b, 'u1');
    await ask(u1, 'channel.join', { channelId: general });
    await ask(u2, 'channel.join', { channelId: general });
    await ask(u1b, 'channel.join', { channelId: bChannel });
    const m1 = (await ask(u1, 'message.send', { channelId: general, text: 'u1 says hello' })).message;
    await ask(u1, 'message.send', { channelId: general, text: 'u1 again' });
    const m2 = (await ask(u2, 'message.send', { channelId: general, text: 'u2 answers' })).message;
    await ask(u2, 'message.react', { messageId: m1.id, type: 'like' });
    await ask(u1, 'message.react', { messageId: m2.id, type: 'love' });
    await ask(u1b, 'message.send', { channelId: bChannel, text: 'u1 in the other app' });
    expect(
      (
        await t.api.call('POST', `/v1/apps/${a.appId}/mutes`, {
          auth: basic(a),
          body: { userId: 'u1', durationSeconds: 600 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await t.api.call('POST', `/v1/apps/${a.appId}/bans`, {
          auth: basic(a),
          body: { userId: 'u1', channelId: quiet },
        })
      ).status,
    ).toBe(201);
    const month = new Date().toISOString().slice(0, 7);
    const receipts = t.store.collection<{ id: string; createdAt: string }>('usage_receipts');
    for (const id of [`mau:${a.appId}:${month}:u1`, `mau:${a.appId}:${month}:u2`, `mau:${b.appId}:${month}:u1`])
      await receipts.insert({ id, createdAt: new Date().toISOString() });
    // Before: the user's data is there, in every place the cascade must reach.
    for (const c of ['messages', 'message_reactions', 'mutes', 'bans', 'channels', 'events'])
      expect(await storedText(c, a.appId), c).toContain('"u1"');

    let u1Gone = false;
    u1.on('disconnect', () => (u1Gone = true));
    const forgotten = await t.api.call('DELETE', `/v1/apps/${a.appId}/users/u1/data`, { auth: basic(a) });
    expect(forgotten.status, JSON.stringify(forgotten.body)).toBe(200);
    expect(forgotten.body.counts).toMatchObject({ messages: 2, message_reactions: 2, mutes: 1, bans: 1, channels: 1 });
    expect(forgotten.body.counts.events).toBeGreaterThanOrEqual(3);
    expect(forgotten.body.counts.analytics_identities).toBe(1);

    // Presence: the user's live connection is closed; the other user stays.
    await waitFor(() => u1Gone, { timeoutMs: 5000, what: 'u1 to be disconnected' });
    expect(u2.connected).toBe(true);
    const joined = await ask(u2, 'channel.join', { channelId: general });
    expect(joined.members.map((m: { userId: string }) => m.userId)).toEqual(['u2']);

    // Nothing of u1 remains in the app (the audit log keeps the id as the target of the erasure).
    for (const c of ['messages', 'message_reactions', 'mutes', 'bans', 'channels', 'events', 'webhook_deliveries'])
      expect(await storedText(c, a.appId), c).not.toContain('"u1"');
    expect(await storedText('messages', a.appId)).not.toContain('u1 says hello');
    expect(await receipts.count({ id: `mau:${a.appId}:${month}:u1` })).toBe(0);
    const ch = await t.api.call('GET', `/v1/apps/${a.appId}/channels/${general}`, { auth: basic(a) });
    expect(ch.body.members).toEqual(['u2']);
    expect(ch.body.moderators ?? []).toEqual([]);
    // Others are untouched: u2's message, u2's receipt, and u1 in the other app.
    expect(await storedText('messages', a.appId)).toContain('u2 answers');
    expect(await receipts.count({ id: `mau:${a.appId}:${month}:u2` })).toBe(1);
    expect(await storedText('messages', b.appId)).toContain('u1 in the other app');
    expect(await receipts.count({ id: `mau:${b.appId}:${month}:u1` })).toBe(1);
    expect(u1b.connected).toBe(true);

    // Audit-logged, in the app's log and in the data requests.
    const audit = await t.api.call('GET', `/v1/apps/${a.appId}/audit-logs?action=forgetEndUser`, {
      auth: { bearer: owner.token },
    });
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({ target: 'u1', actorType: 'apiKey', status: 200 });
    const requests = await t.api.call('GET', `/v1/apps/${a.appId}/data-requests`, { auth: { bearer: owner.token } });
    expect(requests.body.data[0]).toMatchObject({ kind: 'erasure', scope: 'endUser', subjectId: 'u1' });
    // Another app's key cannot erase this app's users.
    const intruder = await t.api.call('DELETE', `/v1/apps/${a.appId}/users/u2/data`, { auth: basic(b) });
    expect(intruder.status).toBe(404);
    expect(await storedText('messages', a.appId)).toContain('u2 answers');
  });

  it("erases the user's uploaded images, files and records, and the published marks of their messages", async () => {
    const owner = await t.api.register();
    const app = await t.api.createApp(owner.token, 'Photos app');
    const general = await channel(owner.token, app, { type: 'messaging', name: 'general' });
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    // Each user uploads from the browser with their own user token, and attaches the image to a message.
    const shared: Record<string, { id: string; url: string; path: string; messageId: string }> = {};
    for (const userId of ['pia', 'quinn']) {
      const up = await t.cp.http.app.request(`/v1/apps/${app.appId}/uploads`, {
        method: 'POST',
        headers: {
          'x-user-token': signUserToken(app.secret, { sub: userId, app: app.key }, 600),
          'content-type': 'image/png',
        },
        body: new Uint8Array(png),
      });
      const body = (await up.json()) as { id: string; url: string };
      expect(up.status, JSON.stringify(body)).toBe(201);
      const s = await connect(app, userId);
      await ask(s, 'channel.join', { channelId: general });
      const sent = await ask(s, 'message.send', {
        channelId: general,
        text: `${userId}'s photo`,
        clientId: `photo-${userId}`,
        attachments: [{ type: 'image', url: body.url }],
      });
      shared[userId] = {
        ...body,
        path: join(t.dataDir, 'uploads', app.appId, `${body.id}.png`),
        messageId: sent.message.id,
      };
    }
    const marks = chatRepos(t.store)(app.appId).publishedMarks;
    const served = (url: string) => t.cp.http.app.request(new URL(url).pathname);
    for (const u of Object.values(shared)) {
      expect(existsSync(u.path)).toBe(true);
      expect((await served(u.url)).status).toBe(200);
      await waitFor(async () => (await marks.count({ id: u.messageId })) === 1, {
        timeoutMs: 5000,
        what: 'the message to be marked published',
      });
    }

    const forgotten = await t.api.call('DELETE', `/v1/apps/${app.appId}/users/pia/data`, { auth: basic(app) });
    expect(forgotten.status, JSON.stringify(forgotten.body)).toBe(200);
    expect(forgotten.body.counts).toMatchObject({ uploads: 1, published_messages: 1, messages: 1 });
    // The file is gone from DATA_DIR and its URL answers 404; the record is gone from the app's uploads.
    expect(existsSync(shared.pia!.path)).toBe(false);
    expect((await served(shared.pia!.url)).status).toBe(404);
    const listed = await t.api.call('GET', `/v1/apps/${app.appId}/uploads`, { auth: basic(app) });
    expect(listed.body.data.map((u: { id: string }) => u.id)).toEqual([shared.quinn!.id]);
    expect(await storedText('uploads', app.appId)).not.toContain('"pia"');
    expect(await marks.count({ appId: app.appId, id: shared.pia!.messageId })).toBe(0);
    // The other user's image, message and mark stay.
    expect(existsSync(shared.quinn!.path)).toBe(true);
    expect((await served(shared.quinn!.url)).status).toBe(200);
    expect(await marks.count({ appId: app.appId, id: shared.quinn!.messageId })).toBe(1);
  });

  it('tells every realtime node over the bus', async () => {
    const seen: unknown[] = [];
    const off = await t.bus.subscribe(PRIVACY_TOPIC, (m) => void seen.push(m));
    const owner = await t.api.register();
    const app = await t.api.createApp(owner.token);
    await t.api.call('DELETE', `/v1/apps/${app.appId}/users/someone/data`, { auth: basic(app) });
    await off();
    expect(seen).toEqual([{ type: 'end_user.forgotten', appId: app.appId, userId: 'someone' }]);
  });
});

describe('exports', () => {
  it("an app's archive holds its data and no secrets; an end user's holds theirs; both are audit-logged", async () => {
    const owner = await t.api.register();
    const app = await t.api.createApp(owner.token, 'Export app');
    const stream = await t.api.call('POST', `/v1/apps/${app.appId}/streams`, {
      auth: { bearer: owner.token },
      body: { name: 'Launch' },
    });
    expect(stream.status).toBe(201);
    const general = await channel(owner.token, app, { type: 'messaging', name: 'general' });
    const s = await connect(app, 'fan-7');
    await ask(s, 'channel.join', { channelId: general });
    await ask(s, 'message.send', { channelId: general, text: 'exported words' });

    const res = await t.api.call('GET', `/v1/apps/${app.appId}/export`, { auth: { bearer: owner.token } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="beamline-app_/);
    const archive = res.body;
    expect(archive.format).toBe('beamline.export.v1');
    expect(archive.app.name).toBe('Export app');
    for (const c of ['api_keys', 'members', 'streams', 'channels', 'messages', 'events', 'recordings', 'audit_logs'])
      expect(Object.keys(archive.collections), c).toContain(c);
    expect(archive.collections.streams[0].name).toBe('Launch');
    expect(archive.collections.messages[0].text).toBe('exported words');
    expect(archive.collections.api_keys[0].key).toBe(app.key);
    const text = JSON.stringify(archive);
    expect(text).not.toContain(app.secret);
    expect(text).not.toContain(stream.body.streamKey);
    expect(text).not.toMatch(/secretSealed|tokenDigest|passwordHash/);

    const user = await t.api.call('GET', `/v1/apps/${app.appId}/users/fan-7/data`, { auth: basic(app) });
    expect(user.status).toBe(200);
    expect(user.body.data.messages.map((m: { text: string }) => m.text)).toEqual(['exported words']);
    expect(user.body.data.events.length).toBeGreaterThanOrEqual(1);

    const audit = await t.api.call('GET', `/v1/apps/${app.appId}/audit-logs`, { auth: { bearer: owner.token } });
    const actions = audit.body.data.map((e: { action: string }) => e.action);
    expect(actions).toContain('exportApp');
    expect(actions).toContain('exportEndUserData');
    // Whole-app exports are for people, not keys.
    expect((await t.api.call('GET', `/v1/apps/${app.appId}/export`, { auth: basic(app) })).status).toBe(403);
  });

  it("an account's archive holds the profile, memberships and sessions, never secrets", async () => {
    const dev = await t.api.register();
    const app = await t.api.createApp(dev.token, 'Mine');
    const res = await t.api.call('GET', '/v1/me/export', { auth: { bearer: dev.token } });
    expect(res.status).toBe(200);
    expect(res.body.account).toMatchObject({ id: dev.userId, email: dev.email });
    expect(res.body.memberships).toEqual([
      expect.objectContaining({ appId: app.appId, appName: 'Mine', role: 'owner' }),
    ]);
    expect(res.body.sessions.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|tokenDigest|refreshToken/);
    const mine = await t.api.call('GET', '/v1/me/data-requests', { auth: { bearer: dev.token } });
    expect(mine.body.data[0]).toMatchObject({ kind: 'export', scope: 'account', subjectId: dev.userId });
  });
});

describe('erasing an app or an account', () => {
  it('deleting an app empties every collection of it, its outbox and its files, and keeps other apps whole', async () => {
    const owner = await t.api.register();
    const doomed = await t.api.createApp(owner.token, 'Doomed');
    const kept = await t.api.createApp(owner.token, 'Kept');
    for (const app of [doomed, kept]) {
      const general = await channel(owner.token, app, { type: 'messaging', name: 'general' });
      const s = await connect(app, 'viewer-1');
      await ask(s, 'channel.join', { channelId: general });
      await ask(s, 'message.send', { channelId: general, text: 'hi' });
      await t.api.call('POST', `/v1/apps/${app.appId}/streams`, { auth: { bearer: owner.token }, body: { name: 'S' } });
      await t.api.call('POST', `/v1/apps/${app.appId}/webhooks`, {
        auth: { bearer: owner.token },
        body: { url: 'https://hooks.example.com/x', events: ['stream.live'] },
      });
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      );
      const up = await t.cp.http.app.request(`/v1/apps/${app.appId}/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'image/png' },
        body: png,
      });
      expect(up.status, await up.clone().text()).toBe(201);
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'logo.png');
      const logo = await t.cp.http.app.request(`/v1/apps/${app.appId}/branding/logo`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${owner.token}` },
        body: form,
      });
      expect(logo.status, await logo.clone().text()).toBe(200);
    }
    // Every collection the app has, as its export lists them; a stored document in each one.
    const archive = (await t.api.call('GET', `/v1/apps/${doomed.appId}/export`, { auth: { bearer: owner.token } }))
      .body;
    const collections = Object.keys(archive.collections);
    for (const c of ['recordings', 'analytics_buckets', 'usage_meters', 'webhook_endpoints', 'branding'])
      expect(collections).toContain(c);
    for (const app of [doomed, kept])
      for (const c of collections) {
        const id = `fixture_${c}_${app.appId}`;
        // Unique fields of some collections (key, streamKey…) get unique values too.
        const doc = { id, appId: app.appId, key: id, streamKey: id, playbackId: id, tokenDigest: id, hostname: id };
        await t.store
          .collection<{ id: string; appId: string }>(c)
          .insert(doc)
          .catch((err: Error) => {
            if (err.name !== 'DuplicateKeyError') throw err;
          });
        expect(await t.store.collection(c).count({ appId: app.appId }), c).toBeGreaterThan(0);
      }
    const before = new Map<string, number>();
    for (const c of collections) before.set(c, await t.store.collection(c).count({ appId: kept.appId }));

    const del = await t.api.call('DELETE', `/v1/apps/${doomed.appId}`, { auth: { bearer: owner.token } });
    expect(del.status).toBe(204);
    for (const c of collections) {
      expect(await t.store.collection(c).count({ appId: doomed.appId }), c).toBe(0);
      expect(await t.store.collection(c).count({ appId: kept.appId }), c).toBe(before.get(c));
    }
    expect(await t.store.collection('apps').count({ id: doomed.appId })).toBe(0);
    expect(existsSync(join(t.dataDir, 'uploads', doomed.appId))).toBe(false);
    expect(existsSync(join(t.dataDir, 'uploads', kept.appId))).toBe(true);
    expect(existsSync(join(t.dataDir, 'branding', doomed.appId))).toBe(false);
    expect(existsSync(join(t.dataDir, 'branding', kept.appId))).toBe(true);
    const record = await t.store
      .collection<{ id: string; kind: string; scope: string }>('data_requests')
      .findOne({ subjectId: doomed.appId, kind: 'erasure' });
    expect(record).toMatchObject({ scope: 'app', actorId: owner.userId });
    expect((record as any).counts.messages).toBe(2);
  });

  it('deleting an account needs the password, refuses while it alone owns a shared app, and takes its own apps', async () => {
    const dev = await t.api.register();
    const solo = await t.api.createApp(dev.token, 'Solo');
    const shared = await t.api.createApp(dev.token, 'Shared');
    const mate = await t.api.register();
    await t.api.addMember(dev.token, shared.appId, mate, 'editor');
    const wrong = await t.api.call('POST', '/v1/me/delete', {
      auth: { bearer: dev.token },
      body: { password: 'nope nope' },
    });
    expect(wrong.status).toBe(401);
    const blocked = await t.api.call('POST', '/v1/me/delete', {
      auth: { bearer: dev.token },
      body: { password: dev.password },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ code: 'sole_owner', details: { appIds: [shared.appId] } });
    // Hand the shared app over, then leave.
    const members = await t.api.call('GET', `/v1/apps/${shared.appId}/members`, { auth: { bearer: dev.token } });
    const mateMember = members.body.data.find((m: { userId: string }) => m.userId === mate.userId);
    const promote = await t.api.call('PATCH', `/v1/apps/${shared.appId}/members/${mateMember.id}`, {
      auth: { bearer: dev.token },
      body: { role: 'owner' },
    });
    expect(promote.status).toBe(200);
    const done = await t.api.call('POST', '/v1/me/delete', {
      auth: { bearer: dev.token },
      body: { password: dev.password },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.deletedApps).toEqual([solo.appId]);
    expect(await t.store.collection('apps').count({ id: solo.appId })).toBe(0);
    expect(await t.store.collection('users').count({ id: dev.userId })).toBe(0);
    expect(await t.store.collection('members').count({ userId: dev.userId })).toBe(0);
    expect(await t.store.collection('refresh_tokens').count({ userId: dev.userId })).toBe(0);
    const login = await t.api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(login.status).toBe(401);
    // The shared app lives on with its new owner.
    expect((await t.api.call('GET', `/v1/apps/${shared.appId}`, { auth: { bearer: mate.token } })).body.role).toBe(
      'owner',
    );
    const record = await t.store.collection('data_requests').findOne({ subjectId: dev.userId, kind: 'erasure' });
    expect(record).toMatchObject({ scope: 'account' });
  });
});

describe('per-app origins at the realtime handshake', () => {
  it('connects from an allowed origin, refuses others, and leaves apps without a list open', async () => {
    const owner = await t.api.register();
    const strict = await t.api.createApp(owner.token, 'Strict');
    const open = await t.api.createApp(owner.token, 'Open');
    await t.api.call('PATCH', `/v1/apps/${strict.appId}/security`, {
      auth: { bearer: owner.token },
      body: { allowedOrigins: ['https://shop.example.com'] },
    });
    const ok = await connect(strict, 'v1', 'https://shop.example.com');
    expect(ok.connected).toBe(true);
    // A server (no Origin header) is not a browser page: allowed.
    expect((await connect(strict, 'v2')).connected).toBe(true);
    const refused = await connect(strict, 'v3', 'https://evil.example.net').then(
      () => null,
      (err: Error & { data?: { code?: string } }) => err,
    );
    expect(refused?.data?.code).toBe('origin_not_allowed');
    expect((await connect(open, 'v4', 'https://evil.example.net')).connected).toBe(true);
  });
});

// Every method of the server client, called against the real all-in-one platform.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '@beamline/testkit';
import { PERMISSIONS, type PermissionName } from '@beamline/control-plane';
import { Platform, PlatformError, type RequestInfo } from '../../src/index';
import { Resource } from '../../src/server/resource';
import { createTestApp, type TestApp } from './helpers';

let platform: TestPlatform;
let app: TestApp;
let client: Platform;
const requests: RequestInfo[] = [];
const state = {
  streamId: '',
  streamKey: '',
  profileId: '',
  webhookId: '',
  deliveryId: '',
  channelId: '',
  uploadId: '',
};
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const receiver = { url: '', bodies: [] as string[], close: () => {} };

beforeAll(async () => {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      receiver.bodies.push(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () => server.close();
  platform = await startTestPlatform();
  app = await createTestApp(platform.urls.api);
  client = new Platform({
    apiKey: app.apiKey,
    apiSecret: app.apiSecret,
    baseUrl: platform.urls.api,
    onRequest: (info) => requests.push(info),
  });
});

afterAll(async () => {
  receiver.close();
  await platform?.close();
});

/** `resource.method` for every public method of every resource, plus the client's own methods. */
function enumerateMethods(target: Platform): string[] {
  const names: string[] = [];
  const methodsOf = (obj: object) =>
    Object.getOwnPropertyNames(Object.getPrototypeOf(obj)).filter(
      (n) => n !== 'constructor' && typeof (obj as Record<string, unknown>)[n] === 'function',
    );
  for (const name of methodsOf(target)) names.push(name);
  for (const [key, value] of Object.entries(target)) {
    if (value instanceof Resource) for (const m of methodsOf(value)) names.push(`${key}.${m}`);
  }
  return names.sort();
}

/** One call per method; a method missing here fails the test below. */
const CALLS: Record<string, (p: Platform) => Promise<unknown>> = {
  appId: async (p) => expect(await p.appId()).toBe(app.appId),
  createUserToken: async (p) => expect(p.createUserToken('user-1', { role: 'moderator' })).toMatch(/^ey/),
  createPlaybackToken: async (p) => expect(p.createPlaybackToken('pb_1', { ttl: 60 })).toMatch(/^ey/),
  'apps.retrieve': async (p) => expect(await p.apps.retrieve()).toMatchObject({ id: app.appId, status: 'active' }),
  'auditLogs.list': async (p) => {
    const first = await p.auditLogs.list({ limit: 1 });
    expect(first.data.length).toBeLessThanOrEqual(1);
    const all = await p.auditLogs.list({ limit: 1 }).toArray();
    expect(all.length).toBeGreaterThanOrEqual(first.data.length);
  },
  'streams.create': async (p) => {
    const stream = await p.streams.create({ name: 'Launch', playbackPolicy: 'signed' });
    expect(stream).toMatchObject({ name: 'Launch', playbackPolicy: 'signed', status: 'idle' });
    state.streamId = stream.id;
    // an API key may change streams, so it sees the key
    state.streamKey = stream.streamKey!;
  },
  'streams.list': async (p) => {
    await p.streams.create({ name: 'Second' });
    const names: string[] = [];
    for await (const s of p.streams.list({ limit: 1 })) names.push(s.name);
    expect(names).toEqual(expect.arrayContaining(['Launch', 'Second']));
  },
  'streams.retrieve': async (p) => expect(await p.streams.retrieve(state.streamId)).toMatchObject({ name: 'Launch' }),
  'streams.update': async (p) =>
    expect(await p.streams.update(state.streamId, { name: 'Renamed' })).toMatchObject({ name: 'Renamed' }),
  'streams.resetKey': async (p) =>
    expect((await p.streams.resetKey(state.streamId)).streamKey).not.toBe(state.streamKey),
  'streams.disable': async (p) => expect(await p.streams.disable(state.streamId)).toMatchObject({ enabled: false }),
  'streams.enable': async (p) => expect(await p.streams.enable(state.streamId)).toMatchObject({ enabled: true }),
  'streams.createPlaybackToken': async (p) => {
    const { token } = await p.streams.createPlaybackToken(state.streamId, { ttlSeconds: 60 });
    expect(token).toMatch(/^ey/);
  },
  'streams.delete': async (p) => {
    await p.streams.delete(state.streamId);
    await expect(p.streams.retrieve(state.streamId)).rejects.toMatchObject({ code: 'stream_not_found', status: 404 });
  },
  'transcodingProfiles.list': async (p) => expect((await p.transcodingProfiles.list()).data.length).toBeGreaterThan(0),
  'transcodingProfiles.create': async (p) => {
    const profile = await p.transcodingProfiles.create({
      name: 'Mobile',
      renditions: [{ height: 360, videoBitrateKbps: 800 }],
    });
    expect(profile).toMatchObject({ name: 'Mobile', builtIn: false });
    state.profileId = profile.id;
  },
  'transcodingProfiles.retrieve': async (p) =>
    expect(await p.transcodingProfiles.retrieve(state.profileId)).toMatchObject({ name: 'Mobile' }),
  'transcodingProfiles.update': async (p) =>
    expect(
      await p.transcodingProfiles.update(state.profileId, {
        name: 'Mobile HD',
        renditions: [{ height: 720, videoBitrateKbps: 2500 }],
      }),
    ).toMatchObject({ name: 'Mobile HD' }),
  'transcodingProfiles.delete': async (p) => {
    await p.transcodingProfiles.delete(state.profileId);
    await expect(p.transcodingProfiles.retrieve(state.profileId)).rejects.toMatchObject({ status: 404 });
  },
  'webhooks.create': async (p) => {
    const hook = await p.webhooks.create({ url: receiver.url, events: ['stream.created'], description: 'sdk' });
    expect(hook.secret).toBeTruthy();
    state.webhookId = hook.id;
  },
  'webhooks.list': async (p) => expect((await p.webhooks.list()).data.map((h) => h.id)).toContain(state.webhookId),
  'webhooks.retrieve': async (p) =>
    expect(await p.webhooks.retrieve(state.webhookId)).toMatchObject({ url: receiver.url }),
  'webhooks.update': async (p) =>
    expect(await p.webhooks.update(state.webhookId, { events: ['*'] })).toMatchObject({ events: ['*'] }),
  'webhooks.test': async (p) => {
    const result = await p.webhooks.test(state.webhookId);
    expect(result).toMatchObject({ ok: true, status: 200 });
    state.deliveryId = result.deliveryId;
    expect(receiver.bodies.some((b) => b.includes('webhook.test'))).toBe(true);
  },
  'webhooks.listDeliveries': async (p) => {
    const ids: string[] = [];
    for await (const d of p.webhooks.listDeliveries(state.webhookId)) ids.push(d.id);
    expect(ids).toContain(state.deliveryId);
  },
  'webhooks.retrieveDelivery': async (p) =>
    expect(await p.webhooks.retrieveDelivery(state.webhookId, state.deliveryId)).toMatchObject({
      id: state.deliveryId,
    }),
  'webhooks.redeliver': async (p) => {
    await p.webhooks.redeliver(state.webhookId, state.deliveryId);
  },
  'webhooks.redeliverFailed': async (p) => {
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    expect(await p.webhooks.redeliverFailed(state.webhookId, { from, to })).toEqual({ redelivered: 0 });
  },
  'webhooks.rotateSecret': async (p) => {
    const rotated = await p.webhooks.rotateSecret(state.webhookId, { gracePeriodSeconds: 60 });
    expect(rotated).toHaveProperty('secret');
  },
  'webhooks.delete': async (p) => {
    await p.webhooks.delete(state.webhookId);
    await expect(p.webhooks.retrieve(state.webhookId)).rejects.toMatchObject({ status: 404 });
  },
  'branding.retrieve': async (p) => expect(await p.branding.retrieve()).toBeTypeOf('object'),
  'branding.css': async (p) => expect(await p.branding.css()).toContain('--'),
  'domains.list': async (p) => expect((await p.domains.list()).data).toEqual([]),
  'channels.create': async (p) => {
    const channel = await p.channels.create({ type: 'messaging', name: 'General' });
    expect(channel).toMatchObject({ type: 'messaging', name: 'General' });
    state.channelId = channel.id;
  },
  'channels.list': async (p) => expect((await p.channels.list()).data.map((c) => c.id)).toContain(state.channelId),
  'channels.retrieve': async (p) =>
    expect(await p.channels.retrieve(state.channelId)).toMatchObject({ id: state.channelId }),
  'channels.update': async (p) =>
    expect(await p.channels.update(state.channelId, { name: 'Lobby' })).toMatchObject({ name: 'Lobby' }),
  'channels.listMessages': async (p) =>
    expect((await p.channels.listMessages(state.channelId, { q: 'hello' })).data).toEqual([]),
  'channels.deleteMessage': async (p) =>
    expect(p.channels.deleteMessage(state.channelId, 'msg_missing')).rejects.toMatchObject({ status: 404 }),
  'channels.sendEvent': async (p) =>
    expect(await p.channels.sendEvent(state.channelId, { name: 'score.update', payload: { home: 1 } })).toMatchObject({
      type: 'custom',
    }),
  'channels.delete': async (p) => {
    await p.channels.delete(state.channelId);
    await expect(p.channels.retrieve(state.channelId)).rejects.toMatchObject({ code: 'channel_not_found' });
  },
  'moderation.ban': async (p) =>
    expect(await p.moderation.ban({ userId: 'troll', durationSeconds: 60, reason: 'spam' })).toMatchObject({
      userId: 'troll',
    }),
  'moderation.listBans': async (p) =>
    expect((await p.moderation.listBans({ userId: 'troll' })).data.map((b) => b.userId)).toEqual(['troll']),
  'moderation.unban': async (p) => {
    await p.moderation.unban('troll');
    expect((await p.moderation.listBans({ userId: 'troll' })).data).toEqual([]);
  },
  'moderation.mute': async (p) =>
    expect(await p.moderation.mute({ userId: 'noisy', durationSeconds: 60 })).toMatchObject({ userId: 'noisy' }),
  'moderation.listMutes': async (p) =>
    expect((await p.moderation.listMutes()).data.map((m) => m.userId)).toContain('noisy'),
  'moderation.unmute': async (p) => {
    await p.moderation.unmute('noisy');
    expect((await p.moderation.listMutes({ userId: 'noisy' })).data).toEqual([]);
  },
  'moderation.setBlocklist': async (p) =>
    expect(await p.moderation.setBlocklist({ words: ['darn'], mode: 'mask' })).toMatchObject({ mode: 'mask' }),
  'moderation.getBlocklist': async (p) =>
    expect(await p.moderation.getBlocklist()).toMatchObject({ words: ['darn'], mode: 'mask' }),
  'users.createToken': async (p) =>
    expect((await p.users.createToken({ userId: 'user-9', ttlSeconds: 600 })).token).toMatch(/^ey/),
  'users.exportData': async (p) => expect(await p.users.exportData('user-9')).toBeTypeOf('object'),
  'users.forget': async (p) => expect(await p.users.forget('user-9')).toHaveProperty('counts'),
  'uploads.image': async (p) => {
    const upload = await p.uploads.image(Buffer.from(PNG_1X1, 'base64'), 'image/png');
    expect(upload).toMatchObject({ contentType: 'image/png' });
    state.uploadId = upload.id;
    await expect(p.uploads.image(Buffer.from('not a png'), 'image/png')).rejects.toMatchObject({ status: 400 });
  },
  'uploads.list': async (p) => expect((await p.uploads.list().toArray()).map((u) => u.id)).toContain(state.uploadId),
  'uploads.delete': async (p) => {
    await p.uploads.delete(state.uploadId);
    await expect(p.uploads.delete(state.uploadId)).rejects.toMatchObject({ code: 'upload_not_found', status: 404 });
  },
  'moderation.setChatSettings': async (p) =>
    expect(await p.moderation.setChatSettings({ attachmentHosts: ['cdn.example.com'] })).toMatchObject({
      attachmentHosts: ['cdn.example.com'],
    }),
  'moderation.getChatSettings': async (p) =>
    expect(await p.moderation.getChatSettings()).toMatchObject({ attachmentHosts: ['cdn.example.com'] }),
  'realtime.createToken': async (p) => expect((await p.realtime.createToken()).token).toMatch(/^ey/),
  'analytics.overview': async (p) => expect(await p.analytics.overview({ range: '24h' })).toBeTypeOf('object'),
  'analytics.timeline': async (p) => expect(await p.analytics.timeline({ range: '7d' })).toBeTypeOf('object'),
  'analytics.streamTimeline': async (p) => {
    const stream = await p.streams.create({ name: 'Measured' });
    expect(await p.analytics.streamTimeline(stream.id)).toBeTypeOf('object');
  },
  'analytics.topStreams': async (p) => expect(await p.analytics.topStreams({ limit: 5 })).toBeTypeOf('object'),
  'analytics.export': async (p) => {
    expect(await p.analytics.export()).toBeTypeOf('object');
    expect(await p.analytics.export({ format: 'csv' })).toBeTypeOf('string');
  },
  'usage.retrieve': async (p) => expect(await p.usage.retrieve()).toBeTypeOf('object'),
  'billing.plan': async (p) => expect(await p.billing.plan()).toBeTypeOf('object'),
  'billing.listInvoices': async (p) => expect((await p.billing.listInvoices()).data).toBeInstanceOf(Array),
  'billing.upcomingInvoice': async (p) => expect(await p.billing.upcomingInvoice()).toBeTypeOf('object'),
  'billing.retrieveInvoice': async (p) =>
    expect(p.billing.retrieveInvoice('inv_missing')).rejects.toMatchObject({ status: 404 }),
  'billing.invoiceHtml': async (p) =>
    expect(p.billing.invoiceHtml('inv_missing')).rejects.toMatchObject({ status: 404 }),
  // A recording needs a live session (see the player test); here the calls meet the API's 404.
  'recordings.list': async (p) => expect((await p.recordings.list()).data).toEqual([]),
  'recordings.retrieve': async (p) =>
    expect(p.recordings.retrieve('rec_missing')).rejects.toMatchObject({ code: 'recording_not_found' }),
  'recordings.delete': async (p) =>
    expect(p.recordings.delete('rec_missing')).rejects.toMatchObject({ code: 'recording_not_found' }),
};

describe('server client against the platform', () => {
  it('calls every method of the client', async () => {
    expect(Object.keys(CALLS).sort()).toEqual(enumerateMethods(client));
    for (const call of Object.values(CALLS)) await call(client);
  });

  it('covers every operation an API key may call', async () => {
    const doc = (await (await fetch(`${platform.urls.api}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string; security?: object[]; 'x-permission'?: string }>>;
    };
    const keyOperations = Object.values(doc.paths)
      .flatMap((ops) => Object.values(ops))
      .filter((op) => JSON.stringify(op.security ?? []).includes('apiKeyAuth'))
      .filter((op) => !op['x-permission'] || PERMISSIONS[op['x-permission'] as PermissionName]?.apiKey)
      .map((op) => op.operationId);
    const called = new Set(requests.map((r) => r.operationId));
    expect(keyOperations.filter((id) => !called.has(id))).toEqual([]);
  });

  it('throws PlatformError with the API code, status and request id', async () => {
    const other = await createTestApp(platform.urls.api, 'another app');
    const intruder = new Platform({
      apiKey: app.apiKey,
      apiSecret: app.apiSecret,
      baseUrl: platform.urls.api,
      appId: other.appId,
    });
    const err = await intruder.apps.retrieve().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ code: 'app_not_found', status: 404 });
    expect((err as PlatformError).requestId).toMatch(/^req_/);

    const wrongSecret = new Platform({ apiKey: app.apiKey, apiSecret: 'nope', baseUrl: platform.urls.api });
    await expect(wrongSecret.apps.retrieve()).rejects.toMatchObject({ code: 'invalid_api_key', status: 401 });
  });
});

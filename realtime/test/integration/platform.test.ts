// Realtime inside the all-in-one platform: the chat REST API and the socket agree, through real HTTP and Socket.IO.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestPlatform, type TestPlatform } from '@beamline/testkit';
import { connect, refusal, waitFor, type TestClient } from '../harness';

let platform: TestPlatform;
let api: ApiClient;
const clients: TestClient[] = [];
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000000000200010d0a2db40000000049454e44ae426082',
  'hex',
);

beforeAll(async () => {
  platform = await startTestPlatform();
  api = new ApiClient((path, init) => fetch(`${platform.urls.api}${path}`, init));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await platform?.close();
});

async function newApp() {
  const dev = await api.register();
  const app = await api.createApp(dev.token);
  const auth = { basic: [app.key, app.secret] as [string, string] };
  const token = async (userId: string, role?: string) => {
    const res = await api.call('POST', `/v1/apps/${app.appId}/users/tokens`, {
      auth,
      body: { userId, ...(role ? { role } : {}), name: userId.toUpperCase() },
    });
    expect(res.status).toBe(201);
    expect(res.body.realtimeUrl).toBe(platform.urls.realtime);
    return res.body.token as string;
  };
  return { ...app, dev, auth, token };
}

describe('chat through the platform', () => {
  it('creates a channel by REST, chats over the socket, lists and searches and deletes by REST', async () => {
    const app = await newApp();
    const created = await api.call('POST', `/v1/apps/${app.appId}/channels`, {
      auth: app.auth,
      body: { type: 'messaging', name: 'General' },
    });
    expect(created.status).toBe(201);
    const channelId = created.body.id as string;
    const alice = await connect(platform.urls.realtime!, await app.token('alice'));
    clients.push(alice);
    expect((await alice.request('channel.join', { channelId })).ok).toBe(true);
    for (const text of ['hello world', 'second message', 'Hello again']) {
      expect((await alice.request('message.send', { channelId, text })).ok).toBe(true);
    }
    const list = await api.call('GET', `/v1/apps/${app.appId}/channels/${channelId}/messages?limit=2`, {
      auth: app.auth,
    });
    expect(list.status).toBe(200);
    expect(list.body.data.map((m: { text: string }) => m.text)).toEqual(['Hello again', 'second message']);
    const next = await api.call(
      'GET',
      `/v1/apps/${app.appId}/channels/${channelId}/messages?limit=2&cursor=${list.body.nextCursor}`,
      { auth: app.auth },
    );
    expect(next.body.data.map((m: { text: string }) => m.text)).toEqual(['hello world']);
    const search = await api.call('GET', `/v1/apps/${app.appId}/channels/${channelId}/messages?q=hello`, {
      auth: app.auth,
    });
    expect(search.body.data.map((m: { text: string }) => m.text).sort()).toEqual(['Hello again', 'hello world']);
    const target = list.body.data[0].id as string;
    const del = await api.call('DELETE', `/v1/apps/${app.appId}/channels/${channelId}/messages/${target}`, {
      auth: app.auth,
    });
    expect(del.status).toBe(200);
    await waitFor(() => alice.eventsOf('chat.message.deleted').length === 1);
    const custom = await api.call('POST', `/v1/apps/${app.appId}/channels/${channelId}/events`, {
      auth: app.auth,
      body: { name: 'score.update', payload: { home: 2, away: 1 } },
    });
    expect(custom.status).toBe(202);
    const got = await waitFor(() => alice.eventsOf('custom')[0]);
    expect(got.data).toEqual({ channelId, name: 'score.update', payload: { home: 2, away: 1 } });
  });

  it('moderates by REST: a ban stops the socket user, is audited, and can be lifted', async () => {
    const app = await newApp();
    const { body: channel } = await api.call('POST', `/v1/apps/${app.appId}/channels`, {
      auth: app.auth,
      body: { type: 'livestream' },
    });
    const troll = await connect(platform.urls.realtime!, await app.token('troll'));
    clients.push(troll);
    await troll.request('channel.join', { channelId: channel.id });
    const ban = await api.call('POST', `/v1/apps/${app.appId}/bans`, {
      auth: app.auth,
      body: { userId: 'troll', channelId: channel.id, reason: 'spam', durationSeconds: 600 },
    });
    expect(ban.status).toBe(201);
    await waitFor(() => troll.eventsOf('user.banned').length === 1);
    const refused = await troll.request('channel.join', { channelId: channel.id });
    expect(!refused.ok && refused.error.code).toBe('banned');
    const bans = await api.call('GET', `/v1/apps/${app.appId}/bans?userId=troll`, { auth: app.auth });
    expect(bans.body.data).toHaveLength(1);
    const audit = await api.call('GET', `/v1/apps/${app.appId}/audit-logs`, { auth: { bearer: app.dev.token } });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toContain('banUser');
    const lift = await api.call('DELETE', `/v1/apps/${app.appId}/bans/troll?channelId=${channel.id}`, {
      auth: app.auth,
    });
    expect(lift.status).toBe(200);
    expect((await troll.request('channel.join', { channelId: channel.id })).ok).toBe(true);
    const slow = await api.call('PATCH', `/v1/apps/${app.appId}/channels/${channel.id}`, {
      auth: app.auth,
      body: { slowModeSeconds: 10 },
    });
    expect(slow.body.slowModeSeconds).toBe(10);
    const mod = await connect(platform.urls.realtime!, await app.token('mod', 'moderator'));
    clients.push(mod);
    const block = await api.call('PUT', `/v1/apps/${app.appId}/blocklist`, {
      auth: app.auth,
      body: { words: ['Spoiler'], mode: 'mask' },
    });
    expect(block.body).toEqual({ words: ['spoiler'], mode: 'mask' });
    const notice = await waitFor(() =>
      mod.eventsOf('chat.moderation').find((e) => (e.data as { action: string }).action === 'blocklist'),
    );
    expect(notice.data).toMatchObject({ details: { mode: 'mask', words: 1 } });
    expect(troll.eventsOf('chat.moderation')).toEqual([]);
    const masked = await troll.request('message.send', { channelId: channel.id, text: 'spoiler alert' });
    expect(masked.ok && masked.message.text).toBe('******* alert');
  });

  it("delivers the control plane's stream events to subscribers, and a stream's own channel opens", async () => {
    const app = await newApp();
    const other = await newApp();
    const viewer = await connect(platform.urls.realtime!, await app.token('viewer', 'admin'));
    const outsider = await connect(platform.urls.realtime!, await other.token('viewer', 'admin'));
    clients.push(viewer, outsider);
    await viewer.request('events.subscribe', {});
    await outsider.request('events.subscribe', {});
    const created = await api.call('POST', `/v1/apps/${app.appId}/streams`, { auth: app.auth, body: { name: 'Show' } });
    expect(created.status).toBe(201);
    const event = await waitFor(() => viewer.eventsOf('stream.created')[0]);
    expect(event).toMatchObject({ appId: app.appId, data: { streamId: created.body.id } });
    const joined = await viewer.request('channel.join', { channelId: created.body.id });
    expect(joined.ok && joined.channel.type).toBe('livestream');
    await outsider.settle(); // the node sent stream.created to every socket at once, the viewer's already came
    expect(outsider.events).toEqual([]);
  });

  it("keeps one app's chat out of another's reach", async () => {
    const one = await newApp();
    const two = await newApp();
    const { body: channel } = await api.call('POST', `/v1/apps/${one.appId}/channels`, {
      auth: one.auth,
      body: { type: 'messaging' },
    });
    const cross = await api.call('GET', `/v1/apps/${one.appId}/channels/${channel.id}`, { auth: two.auth });
    expect(cross.status).toBe(404);
    const viaOwn = await api.call('GET', `/v1/apps/${two.appId}/channels/${channel.id}`, { auth: two.auth });
    expect(viaOwn.status).toBe(404);
    expect(viaOwn.body.error.code).toBe('channel_not_found');
    const stranger = await connect(platform.urls.realtime!, await two.token('x'));
    clients.push(stranger);
    const join = await stranger.request('channel.join', { channelId: channel.id });
    expect(!join.ok && join.error.code).toBe('channel_not_found');
    // A key revoked in the dashboard no longer opens the socket.
    const token = await one.token('y');
    await api.call('DELETE', `/v1/apps/${one.appId}/keys/${one.keyId}`, { auth: { bearer: one.dev.token } });
    expect((await refusal(platform.urls.realtime!, token)).data?.code).toBe('invalid_api_key');
  });

  it('accepts image uploads only when the bytes match the type, and serves them', async () => {
    const app = await newApp();
    const upload = (body: Buffer | string, type: string) =>
      fetch(`${platform.urls.api}/v1/apps/${app.appId}/uploads`, {
        method: 'POST',
        headers: {
          'content-type': type,
          authorization: `Basic ${Buffer.from(`${app.key}:${app.secret}`).toString('base64')}`,
        },
        body: new Uint8Array(typeof body === 'string' ? Buffer.from(body) : body),
      });
    const ok = await upload(PNG, 'image/png');
    expect(ok.status).toBe(201);
    const { url } = (await ok.json()) as { url: string };
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    const lie = await upload('<svg onload=alert(1)>', 'image/png');
    expect(lie.status).toBe(400);
    expect(((await lie.json()) as { error: { code: string } }).error.code).toBe('image_type_mismatch');
    const svg = await upload('<svg/>', 'image/svg+xml');
    expect(((await svg.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    const big = await upload(Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]), 'image/png');
    expect(big.status).toBe(413);
    expect((await fetch(`${platform.urls.api}/uploads/${app.appId}/upl_00000000000000000000.png`)).status).toBe(404);
    // The uploaded URL is a valid attachment.
    const { body: channel } = await api.call('POST', `/v1/apps/${app.appId}/channels`, {
      auth: app.auth,
      body: { type: 'messaging' },
    });
    const c = await connect(platform.urls.realtime!, await app.token('img'));
    clients.push(c);
    await c.request('channel.join', { channelId: channel.id });
    const sent = await c.request('message.send', {
      channelId: channel.id,
      text: '',
      attachments: [{ type: 'image', url }],
    });
    expect(sent.ok && sent.message.attachments).toEqual([{ type: 'image', url }]);
  });
});

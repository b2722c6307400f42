// Two realtime nodes and a real redis-server: fan-out, bans, slow mode, presence and app isolation hold across nodes.
// Both nodes run in this test process over one embedded store object (standing in for the shared MongoDB);
// each node has its own Redis bus, Socket.IO adapter and Redis counters, as separate processes would.
import { auditLogOf } from '@beamline/core';
import { startRedis, type RedisServer } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatOf,
  connect,
  createApp,
  refusal,
  startCluster,
  waitFor,
  type AnyDoc,
  type TestClient,
  type TestCluster,
} from '../harness';

let redis: RedisServer;
let cluster: TestCluster;
const clients: TestClient[] = [];
const track = (c: TestClient) => (clients.push(c), c);

beforeAll(async () => {
  redis = await startRedis();
  cluster = await startCluster({ count: 2, redisUrl: redis.url });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.close();
  await redis?.stop();
});

async function channel(appId: string, type: 'messaging' | 'livestream' = 'messaging', extra: object = {}) {
  const id = `chn_${Math.random().toString(36).slice(2, 12)}`;
  await chatOf(cluster, appId).channels.insert({
    id,
    type,
    membersOnly: false,
    slowModeSeconds: 0,
    createdAt: new Date().toISOString(),
    ...extra,
  });
  return id;
}

describe('two nodes through Redis', () => {
  it('refuses bad, expired, wrong-app and revoked-key tokens at the handshake', async () => {
    const app = await createApp(cluster);
    const other = await createApp(cluster);
    const url = cluster.nodes[0]!.url;
    expect((await refusal(url, undefined)).data?.code).toBe('unauthorized');
    expect((await refusal(url, 'not-a-jwt')).data?.code).toBe('unauthorized');
    expect((await refusal(url, app.token('u1', { ttlSeconds: -10 }))).data?.code).toBe('token_expired');
    // Signed with another app's secret but naming this app's key.
    const forged = other.token('u1').split('.');
    const claims = JSON.parse(Buffer.from(forged[1]!, 'base64url').toString()) as Record<string, unknown>;
    const { signUserToken } = await import('@beamline/chat');
    const wrongApp = signUserToken(other.secret, { sub: 'u1', app: app.key }, 60);
    expect(claims.app).toBe(other.key);
    expect((await refusal(url, wrongApp)).data?.code).toBe('unauthorized');
    await cluster.store
      .collection<AnyDoc>('api_keys')
      .updateMany({ key: app.key }, { set: { revokedAt: new Date().toISOString() } });
    expect((await refusal(url, app.token('u1'))).data?.code).toBe('invalid_api_key');
  });

  it('fans a message sent on node A out to subscribers on node B, acked only after it is stored', async () => {
    const app = await createApp(cluster);
    const chn = await channel(app.appId);
    const alice = track(await connect(cluster.nodes[0]!.url, app.token('alice', { name: 'Alice' })));
    const bob = track(await connect(cluster.nodes[1]!.url, app.token('bob')));
    expect((await alice.request('channel.join', { channelId: chn })).ok).toBe(true);
    expect((await bob.request('channel.join', { channelId: chn })).ok).toBe(true);
    const ack = await alice.request('message.send', { channelId: chn, text: 'hello from A', clientId: 'c1' });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    const stored = await chatOf(cluster, app.appId).messages.findOne({ id: ack.message.id });
    expect(stored).toMatchObject({ text: 'hello from A', appId: app.appId });
    const got = await waitFor(
      () =>
        bob
          .eventsOf('chat.message.new')
          .find((e) => (e.data as { message: { id: string } }).message.id === ack.message.id),
      { what: 'delivery on node B' },
    );
    expect(got).toMatchObject({
      appId: app.appId,
      type: 'chat.message.new',
      data: { channelId: chn, message: { text: 'hello from A', userName: 'Alice' } },
    });
    // Resending with the same clientId returns the stored message and stores nothing new.
    const again = await alice.request('message.send', { channelId: chn, text: 'hello from A', clientId: 'c1' });
    expect(again.ok && again.message.id).toBe(ack.message.id);
    expect(await chatOf(cluster, app.appId).messages.count({ channelId: chn })).toBe(1);
    // A process that died after storing the message and its event, before marking it published, leaves the
    // publishing to the resend: the outbox still holds one event for the message, so webhooks send it once.
    const marks = chatOf(cluster, app.appId).publishedMarks;
    await waitFor(() => marks.findOne({ id: ack.message.id }), { what: 'the published mark' });
    await marks.deleteOne({ id: ack.message.id });
    const third = await alice.request('message.send', { channelId: chn, text: 'hello from A', clientId: 'c1' });
    expect(third.ok && third.message.id).toBe(ack.message.id);
    const outbox = await cluster.store
      .collection<AnyDoc>('events')
      .find({ appId: app.appId, type: 'chat.message.new' });
    expect(outbox.filter((e) => (e.data as { message: { id: string } }).message.id === ack.message.id)).toHaveLength(1);
  });

  it('a ban issued on node A stops the user on node B', async () => {
    const app = await createApp(cluster);
    const chn = await channel(app.appId);
    const mod = track(await connect(cluster.nodes[0]!.url, app.token('mod', { role: 'moderator' })));
    const troll = track(await connect(cluster.nodes[1]!.url, app.token('troll')));
    const watcher = track(await connect(cluster.nodes[1]!.url, app.token('watcher')));
    for (const c of [mod, troll, watcher]) expect((await c.request('channel.join', { channelId: chn })).ok).toBe(true);
    expect((await troll.request('message.send', { channelId: chn, text: 'before' })).ok).toBe(true);
    // A plain user may not ban.
    const denied = await troll.request('moderation.ban', { userId: 'watcher', channelId: chn });
    expect(!denied.ok && denied.error.code).toBe('forbidden');
    expect((await mod.request('moderation.ban', { userId: 'troll', channelId: chn, reason: 'spam' })).ok).toBe(true);
    await waitFor(() => watcher.eventsOf('user.banned').length > 0, { what: 'user.banned on node B' });
    const after = await troll.request('message.send', { channelId: chn, text: 'after' });
    expect(after.ok).toBeFalsy();
    expect(['banned', 'not_joined']).toContain(!after.ok && after.error.code);
    const rejoin = await troll.request('channel.join', { channelId: chn });
    expect(!rejoin.ok && rejoin.error.code).toBe('banned');
    // App-wide: the user's sockets on node B are closed with a reason, and the handshake is refused.
    expect((await mod.request('moderation.ban', { userId: 'troll', reason: 'again' })).ok).toBe(true);
    await waitFor(() => troll.closing.find((n) => n.code === 'banned'), { what: 'closing notice' });
    await waitFor(() => !troll.socket.connected, { what: 'the banned socket to close' });
    expect((await refusal(cluster.nodes[1]!.url, app.token('troll'))).data?.code).toBe('banned');
    const audit = await auditLogOf(cluster.store, app.appId).find({ action: 'moderation.ban' });
    expect(audit.length).toBe(2);
  });

  it('slow mode holds across nodes', async () => {
    const app = await createApp(cluster);
    const chn = await channel(app.appId);
    const admin = track(await connect(cluster.nodes[0]!.url, app.token('admin', { role: 'admin' })));
    const onA = track(await connect(cluster.nodes[0]!.url, app.token('sam')));
    const onB = track(await connect(cluster.nodes[1]!.url, app.token('sam')));
    for (const c of [admin, onA, onB]) await c.request('channel.join', { channelId: chn });
    const set = await admin.request('moderation.slowmode', { channelId: chn, seconds: 30 });
    expect(set.ok && set.channel.slowModeSeconds).toBe(30);
    expect((await onA.request('message.send', { channelId: chn, text: 'one' })).ok).toBe(true);
    const second = await onB.request('message.send', { channelId: chn, text: 'two' });
    expect(!second.ok && second.error.code).toBe('slow_mode');
    expect(!second.ok && (second.error.details as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    // Moderators are exempt.
    expect((await admin.request('message.send', { channelId: chn, text: 'mod 1' })).ok).toBe(true);
    expect((await admin.request('message.send', { channelId: chn, text: 'mod 2' })).ok).toBe(true);
  });

  it('presence is correct across nodes', async () => {
    const app = await createApp(cluster);
    const chn = await channel(app.appId);
    const ann = track(await connect(cluster.nodes[0]!.url, app.token('ann')));
    const ben = track(await connect(cluster.nodes[1]!.url, app.token('ben')));
    await ann.request('channel.join', { channelId: chn });
    const joined = await ben.request('channel.join', { channelId: chn });
    expect(joined.ok && joined.members.map((m) => m.userId).sort()).toEqual(['ann', 'ben']);
    const online = await waitFor(() =>
      ann.eventsOf('presence.changed').find((e) => (e.data as { userId: string }).userId === 'ben'),
    );
    expect(online.data).toMatchObject({ channelId: chn, userId: 'ben', online: true });
    ben.close();
    const offline = await waitFor(() =>
      ann.eventsOf('presence.changed').find((e) => (e.data as { online: boolean }).online === false),
    );
    expect((offline.data as { members: { userId: string }[] }).members.map((m) => m.userId)).toEqual(['ann']);
  });

  it('keeps apps isolated across nodes: rooms, history, presence and events', async () => {
    const one = await createApp(cluster);
    const two = await createApp(cluster);
    const chnOne = await channel(one.appId);
    await channel(two.appId);
    const a = track(await connect(cluster.nodes[0]!.url, one.token('same-user', { role: 'admin' })));
    const b = track(await connect(cluster.nodes[1]!.url, two.token('same-user', { role: 'admin' })));
    await a.request('channel.join', { channelId: chnOne });
    // App two cannot join app one's channel, though the user id is the same.
    const bJoin = await b.request('channel.join', { channelId: chnOne });
    expect(!bJoin.ok && bJoin.error.code).toBe('channel_not_found');
    await a.request('events.subscribe', {});
    await b.request('events.subscribe', {});
    const sent = await a.request('message.send', { channelId: chnOne, text: 'app one only' });
    expect(sent.ok).toBe(true);
    await cluster.publisher.publish(one.appId, 'stream.live', {
      streamId: 'str_x',
      playbackId: 'p',
      startedAt: new Date().toISOString(),
    });
    await waitFor(() => a.eventsOf('stream.live').length > 0 && a.eventsOf('chat.message.new').length > 0);
    // an event of app two after them, on the same bus: once b has it, anything of app one would have come first
    await cluster.publisher.publish(two.appId, 'custom', { name: 'marker', payload: {} });
    await waitFor(() => b.eventsOf('custom').length > 0, { what: 'the marker' });
    expect(b.events.filter((e) => e.appId !== two.appId)).toEqual([]);
    expect(b.eventsOf('chat.message.new')).toEqual([]);
    const hist = await b.request('history', { channelId: chnOne });
    expect(!hist.ok && hist.error.code).toBe('not_joined');
    // A message id of app one is not found from app two.
    const del = await b.request('message.delete', { messageId: sent.ok ? sent.message.id : '' });
    expect(!del.ok && del.error.code).toBe('message_not_found');
  });
});

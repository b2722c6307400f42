// Realtime authorization by role, over real sockets: the permission table, app and stream events, guests.
import { hmacKey } from '@beamline/core';
import type { GuestChatMode } from '@beamline/protocol';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatOf,
  connect,
  createApp,
  insertChannel,
  refusedWith,
  send,
  startCluster,
  waitFor,
  type AnyDoc,
  type TestApp,
  type TestClient,
  type TestCluster,
  type TokenOptions,
} from '../harness';

let cluster: TestCluster;
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ count: 1 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.close();
});

const uid = () => Math.random().toString(36).slice(2, 12);

async function open(app: TestApp, userId: string, opts: TokenOptions = {}): Promise<TestClient> {
  const c = await connect(cluster.nodes[0]!.url, app.token(userId, opts));
  clients.push(c);
  return c;
}

const channel = (app: TestApp, extra: object = {}) => insertChannel(cluster, app.appId, extra);

async function stream(
  app: TestApp,
  policy: 'public' | 'signed',
  guestChat?: GuestChatMode,
): Promise<{ id: string; playbackId: string }> {
  const s = { id: `str_${uid()}`, playbackId: `pb${uid()}` };
  await cluster.store.collection<AnyDoc>('streams').insert({
    ...s,
    appId: app.appId,
    playbackPolicy: policy,
    ...(guestChat ? { guestChat } : {}),
  });
  return s;
}

function playbackToken(app: TestApp, playbackId: string, claims: Record<string, unknown> = {}): string {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const all: Record<string, unknown> = { sub: playbackId, kid: app.key, aud: 'playback', exp, ...claims };
  for (const [name, value] of Object.entries(all)) if (value === undefined) delete all[name];
  return jwt.sign(all, hmacKey(app.secret), { algorithm: 'HS256', noTimestamp: true });
}

describe('the permission table', () => {
  const principals = [
    { name: 'guest', opts: { role: 'guest' } },
    { name: 'user', opts: {} },
    { name: 'moderator', opts: { role: 'moderator' } },
    { name: 'admin', opts: { role: 'admin' } },
    { name: 'dashboard member (role user)', opts: { scope: 'dashboard' } },
  ] as const;

  for (const principal of principals) {
    it(`decides each request of a ${principal.name} token before its handler`, async () => {
      const app = await createApp(cluster);
      const open1 = await channel(app);
      const membersOnly = await channel(app, { membersOnly: true, members: ['victim'] });
      const guestStream = await stream(app, 'public');
      const victim = await open(app, 'victim');
      await victim.request('channel.join', { channelId: open1 });
      const isGuest = principal.name === 'guest';
      const moderates = principal.name === 'moderator' || principal.name === 'admin';
      const followsApp = principal.name === 'admin' || principal.name.startsWith('dashboard');
      const c = await open(app, `p${uid()}`, {
        ...principal.opts,
        ...(isGuest ? { channel: guestStream.id } : {}),
      } as TokenOptions);
      if (!isGuest) expect((await c.request('channel.join', { channelId: open1 })).ok).toBe(true);

      // App-wide platform events.
      for (const name of ['events.subscribe', 'events.unsubscribe'] as const) {
        const ack = await c.request(name, {});
        if (followsApp) expect(ack.ok).toBe(true);
        else refusedWith(ack, 'forbidden');
      }
      // Members-only channels.
      const join = await c.request('channel.join', { channelId: membersOnly });
      if (isGuest) refusedWith(join, 'guest_channel_only');
      else if (moderates) expect(join.ok).toBe(true);
      else refusedWith(join, 'not_a_member');
      // Someone else's message: nobody edits it; moderators delete it.
      const theirs = await send(victim, open1, 'mine');
      refusedWith(
        await c.request('message.update', { messageId: theirs.id, text: 'hijacked' }),
        isGuest ? 'guest_channel_only' : 'not_author',
      );
      const del = await c.request('message.delete', { messageId: theirs.id });
      if (moderates) expect(del.ok).toBe(true);
      else refusedWith(del, isGuest ? 'guest_channel_only' : 'forbidden');
      // Moderation verbs, app-wide and on a channel.
      const target = await send(victim, open1, 'to moderate');
      const verbs = [
        ['moderation.mute', { userId: 'victim', durationSeconds: 60 }],
        ['moderation.unmute', { userId: 'victim' }],
        ['moderation.ban', { userId: 'victim', channelId: open1, durationSeconds: 60 }],
        ['moderation.unban', { userId: 'victim', channelId: open1 }],
        ['moderation.slowmode', { channelId: open1, seconds: 0 }],
        ['moderation.delete', { messageId: target.id }],
      ] as const;
      for (const [name, payload] of verbs) {
        const ack = await c.request(name, payload);
        if (moderates) expect(ack.ok, `${name} ${JSON.stringify(ack)}`).toBe(true);
        else refusedWith(ack, 'forbidden');
      }
      const stored = await chatOf(cluster, app.appId).messages.findOne({ id: theirs.id });
      expect(stored?.text).toBe(moderates ? '' : 'mine');
    });
  }

  it('keeps app-wide platform events from guests and end users (private streams included)', async () => {
    const app = await createApp(cluster);
    const s = await stream(app, 'public');
    const guest = await open(app, 'guest_x', { role: 'guest', channel: s.id });
    const user = await open(app, 'u1');
    const member = await open(app, 'dashboard:usr_1', { scope: 'dashboard' });
    refusedWith(await guest.request('events.subscribe', {}), 'forbidden');
    refusedWith(await user.request('events.subscribe', {}), 'forbidden');
    expect((await member.request('events.subscribe', {})).ok).toBe(true);
    await cluster.publisher.publish(app.appId, 'stream.created', { streamId: 'str_private', name: 'Board meeting' });
    await cluster.publisher.publish(app.appId, 'stream.updated', { streamId: 'str_private', changes: ['name'] });
    await cluster.publisher.publish(app.appId, 'custom', { name: 'internal', payload: { secret: 1 } });
    await waitFor(() => member.events.length === 3);
    await Promise.all([guest.settle(), user.settle()]); // the node has sent all three: anything for them came first
    expect(guest.events).toEqual([]);
    expect(user.events).toEqual([]);
  });
});

describe("a stream's events", () => {
  it('reach an end user or guest only for a stream it may watch, and only what a viewer may see', async () => {
    const app = await createApp(cluster);
    const pub = await stream(app, 'public');
    const guest = await open(app, 'guest_y', { role: 'guest', channel: pub.id });
    const admin = await open(app, 'boss', { role: 'admin' });
    expect((await guest.request('events.subscribe', { streamId: pub.id })).ok).toBe(true);
    expect((await admin.request('events.subscribe', { streamId: pub.id })).ok).toBe(true);
    const now = new Date().toISOString();
    await cluster.publisher.publish(app.appId, 'viewer.joined', { streamId: pub.id, viewerId: 'v:alice@example.com' });
    await cluster.publisher.publish(app.appId, 'stream.updated', { streamId: pub.id, changes: ['playbackPolicy'] });
    await cluster.publisher.publish(app.appId, 'recording.started', { streamId: pub.id, recordingId: 'rec_1' });
    await cluster.publisher.publish(app.appId, 'stream.live', {
      streamId: pub.id,
      playbackId: pub.playbackId,
      startedAt: now,
    });
    await cluster.publisher.publish(app.appId, 'viewer.count.update', { streamId: pub.id, viewers: 2 });
    await cluster.publisher.publish(app.appId, 'stream.live', {
      streamId: 'str_other',
      playbackId: 'x',
      startedAt: now,
    });
    await waitFor(() => admin.events.length === 5 && guest.events.length === 2);
    await Promise.all([admin.settle(), guest.settle()]);
    expect(guest.events.map((e) => e.type)).toEqual(['stream.live', 'viewer.count.update']);
    expect(admin.events.map((e) => e.type)).toEqual([
      'viewer.joined',
      'stream.updated',
      'recording.started',
      'stream.live',
      'viewer.count.update',
    ]);
    expect((await guest.request('events.unsubscribe', { streamId: pub.id })).ok).toBe(true);
    await cluster.publisher.publish(app.appId, 'viewer.count.update', { streamId: pub.id, viewers: 3 });
    await waitFor(() => admin.events.length === 6);
    await guest.settle();
    expect(guest.events).toHaveLength(2);
  });

  it('need a valid playback token of that stream, signed by its own app, for a signed stream', async () => {
    const app = await createApp(cluster);
    const other = await createApp(cluster);
    const signed = await stream(app, 'signed');
    const sibling = await stream(app, 'signed');
    const viewer = await open(app, 'viewer');
    const sub = (playbackToken?: string) =>
      viewer.request('events.subscribe', { streamId: signed.id, ...(playbackToken ? { playbackToken } : {}) });
    refusedWith(await sub(), 'playback_token_required');
    // Another app's key, naming this stream's playback id.
    refusedWith(await sub(playbackToken(other, signed.playbackId)), 'playback_token_invalid');
    // A token of this app for another stream.
    refusedWith(await sub(playbackToken(app, sibling.playbackId)), 'playback_token_invalid');
    // Not a playback token, a forged signature, no exp, an expired one.
    refusedWith(await sub(playbackToken(app, signed.playbackId, { aud: 'chat' })), 'playback_token_invalid');
    refusedWith(await sub(`${playbackToken(app, signed.playbackId)}x`), 'playback_token_invalid');
    refusedWith(await sub(playbackToken(app, signed.playbackId, { exp: undefined })), 'playback_token_invalid');
    refusedWith(
      await sub(playbackToken(app, signed.playbackId, { exp: Math.floor(Date.now() / 1000) - 5 })),
      'playback_token_expired',
    );
    refusedWith(await viewer.request('events.subscribe', { streamId: 'str_nosuchstream' }), 'stream_not_found');
    // refused, the viewer never hears of the stream: the count of 9 does not come before the 10 below
    await cluster.publisher.publish(app.appId, 'viewer.count.update', { streamId: signed.id, viewers: 9 });
    expect((await sub(playbackToken(app, signed.playbackId))).ok).toBe(true);
    await cluster.publisher.publish(app.appId, 'viewer.count.update', { streamId: signed.id, viewers: 10 });
    await waitFor(() => viewer.events.length === 1);
    expect(viewer.events[0]!.data).toEqual({ streamId: signed.id, viewers: 10 });
  });
});

describe('guests', () => {
  it("join only their token's channel, and write only while the stream's guest chat is chat", async () => {
    const app = await createApp(cluster);
    const s = await stream(app, 'public');
    const elsewhere = await channel(app);
    const guest = await open(app, 'guest_g', { role: 'guest', channel: s.id });
    refusedWith(await guest.request('channel.join', { channelId: elsewhere }), 'guest_channel_only');
    refusedWith(await guest.request('history', { channelId: elsewhere }), 'guest_channel_only');
    refusedWith(await guest.request('message.send', { channelId: elsewhere, text: 'hi' }), 'guest_channel_only');
    refusedWith(await guest.request('reaction.send', { channelId: elsewhere, type: 'like' }), 'guest_channel_only');
    refusedWith(await guest.request('typing.start', { channelId: elsewhere }), 'guest_channel_only');
    // Mode chat (a public stream, the app's default branding).
    expect((await guest.request('channel.join', { channelId: s.id })).ok).toBe(true);
    const mine = await send(guest, s.id, 'hello from a guest');
    expect((await guest.request('typing.start', { channelId: s.id })).ok).toBe(true);
    // Mode read: the guest stays and reads, every content verb is refused.
    await cluster.store.collection<AnyDoc>('streams').updateOne({ id: s.id }, { set: { guestChat: 'read' } });
    expect((await guest.request('channel.join', { channelId: s.id })).ok).toBe(true);
    expect((await guest.request('history', { channelId: s.id })).ok).toBe(true);
    for (const [name, payload] of [
      ['message.send', { channelId: s.id, text: 'still here' }],
      ['message.update', { messageId: mine.id, text: 'edited' }],
      ['message.delete', { messageId: mine.id }],
      ['message.react', { messageId: mine.id, type: 'like' }],
      ['reaction.send', { channelId: s.id, type: 'like' }],
      ['typing.start', { channelId: s.id }],
    ] as const) {
      refusedWith(await guest.request(name, payload), 'guests_read_only');
    }
    // Mode off: a guest cannot join.
    await cluster.store.collection<AnyDoc>('streams').updateOne({ id: s.id }, { set: { guestChat: 'off' } });
    refusedWith(await guest.request('channel.join', { channelId: s.id }), 'guest_chat_off');
    refusedWith(await guest.request('history', { channelId: s.id }), 'guest_chat_off');
  });

  it('are off by default on a signed stream and where the app turned guest chat off', async () => {
    const app = await createApp(cluster);
    const signed = await stream(app, 'signed');
    const onSigned = await open(app, 'guest_s', { role: 'guest', channel: signed.id });
    refusedWith(await onSigned.request('channel.join', { channelId: signed.id }), 'guest_chat_off');
    const opened = await stream(app, 'signed', 'chat');
    const onOpened = await open(app, 'guest_o', { role: 'guest', channel: opened.id });
    expect((await onOpened.request('channel.join', { channelId: opened.id })).ok).toBe(true);
    const pub = await stream(app, 'public');
    await cluster.store
      .collection<AnyDoc>('branding')
      .insert({ id: `brd_${app.appId}`, appId: app.appId, guestChat: false });
    const onPublic = await open(app, 'guest_p', { role: 'guest', channel: pub.id });
    refusedWith(await onPublic.request('channel.join', { channelId: pub.id }), 'guest_chat_off');
    const noClaim = await open(app, 'guest_n', { role: 'guest' });
    refusedWith(await noClaim.request('channel.join', { channelId: pub.id }), 'guest_channel_only');
  });
});

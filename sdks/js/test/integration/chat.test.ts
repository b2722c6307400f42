// The browser chat client against the real all-in-one platform: features, token refresh, and a restart of the
// realtime service (kill -9 of the platform process) with no missing and no duplicate message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@beamline/core/testing';
import { spawnPlatform, testEnv, type PlatformProcess } from '@beamline/testkit';
import { Platform } from '../../src/index';
import { ChatClient, ChatError, type ChatMessage } from '../../src/chat/index';
import { createTestApp } from './helpers';

let env: Record<string, string>;
let proc: PlatformProcess;
let platform: Platform;
let realtimeUrl: string;
let channelId: string; // a stream's own (livestream) channel
let roomId: string; // a messaging channel: its members are listed and announced
const clients: ChatClient[] = [];

async function connect(
  userId: string,
  opts: { role?: 'user' | 'moderator' | 'admin'; ttl?: number; slow?: boolean } = {},
): Promise<ChatClient> {
  const client = await ChatClient.connect({
    url: realtimeUrl,
    tokenProvider: () => platform.createUserToken(userId, { role: opts.role ?? 'user', ttl: opts.ttl ?? 600 }),
    requestTimeoutMs: 3000,
    socketOptions: opts.slow
      ? { reconnectionDelay: 15_000, reconnectionDelayMax: 15_000, randomizationFactor: 0 }
      : { reconnectionDelay: 200, reconnectionDelayMax: 1000 },
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  // One sender posts 40 messages within seconds here; the default (20 per 10 s per user) is for people.
  env = await testEnv({ CHAT_MESSAGES_PER_10S: '500' });
  proc = await spawnPlatform(env);
  realtimeUrl = `http://127.0.0.1:${env.REALTIME_PORT}`;
  const app = await createTestApp(proc.api);
  platform = new Platform({ apiKey: app.apiKey, apiSecret: app.apiSecret, baseUrl: proc.api });
  channelId = (await platform.streams.create({ name: 'Chat test' })).id;
  roomId = (await platform.channels.create({ type: 'messaging', name: 'Room' })).id;
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await proc?.kill('SIGTERM');
});

describe('ChatClient', () => {
  it('joins, sends, reads history, sees typing, reactions, edits, deletes and moderation', async () => {
    const alice = await connect('alice');
    const mod = await connect('mod', { role: 'moderator' });
    const a = alice.channel(roomId);
    const m = mod.channel(roomId);
    await a.join();
    const joined = await m.join();
    expect(joined.members.map((x) => x.userId)).toEqual(expect.arrayContaining(['alice', 'mod']));

    const seenByMod: ChatMessage[] = [];
    m.on('message', (msg) => seenByMod.push(msg));
    const typing: string[] = [];
    m.on('typing', (t) => typing.push(`${t.userId}:${t.typing}`));
    const deleted: string[] = [];
    m.on('deleted', (d) => deleted.push(d.messageId));

    const first = await a.send('hello');
    const second = await a.send('world', { parentId: first.id });
    await waitFor(() => seenByMod.length === 2, { what: 'both messages at the moderator' });
    expect(seenByMod.map((x) => x.text)).toEqual(['hello', 'world']);

    const page = await m.history({ before: second.id, limit: 10 });
    expect(page.messages.map((x) => x.id)).toContain(first.id);
    const thread = await m.history({ parentId: first.id });
    expect(thread.messages.map((x) => x.id)).toEqual([second.id]);

    await a.startTyping();
    await a.stopTyping();
    await waitFor(() => typing.includes('alice:true') && typing.includes('alice:false'), { what: 'typing events' });

    const reacted = await m.react(first.id, 'heart');
    expect(reacted.reactions).toMatchObject({ heart: 1 });
    const reactions: string[] = [];
    a.on('reaction', (r) => reactions.push(r.type));
    await m.sendReaction('clap');
    await waitFor(() => reactions.includes('clap'), { what: 'a live reaction' });

    expect((await a.update(first.id, 'hello, edited')).text).toBe('hello, edited');
    await a.delete(second.id);
    await waitFor(() => deleted.includes(second.id), { what: 'the delete event' });

    // Moderation: a user may not, a moderator may.
    await expect(a.mute('mod', 60)).rejects.toMatchObject({ code: 'forbidden' });
    await m.mute('alice', 60);
    const muted = await a.send('can I talk?').catch((e: unknown) => e);
    expect(muted).toBeInstanceOf(ChatError);
    expect(muted).toMatchObject({ code: 'muted' });
    await m.unmute('alice');
    await a.send('back');
  });

  it('sees presence change when someone joins, and refuses a bad token with a clear code', async () => {
    const host = await connect('host');
    const presence: string[] = [];
    host.channel(roomId).on('presence', (p) => presence.push(`${p.userId}:${p.online}`));
    await host.channel(roomId).join();
    const guest = await connect('guest');
    await guest.channel(roomId).join();
    await waitFor(() => presence.includes('guest:true'), { what: 'the guest in presence' });

    const refused = await ChatClient.connect({ url: realtimeUrl, token: 'not-a-token' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChatError);
    expect(refused).toMatchObject({ code: 'unauthorized' });
    const other = await ChatClient.connect({
      url: realtimeUrl,
      token: platform.createUserToken('x', { ttl: 60 }).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    }).catch((e: unknown) => e);
    expect(other).toMatchObject({ code: 'unauthorized' });
    const nobody = `http://127.0.0.1:${env.RTMP_PORT}`; // not a Socket.IO server
    const unreachable = await ChatClient.connect({ url: nobody, token: 't', connectTimeoutMs: 1500 }).catch(
      (e: unknown) => e,
    );
    expect(unreachable).toMatchObject({ code: 'timeout' });
  });

  it('receives platform events after subscribing', async () => {
    // Every event of a stream is for server-side (admin) tokens; an end user hears of live, offline, viewers.
    const viewer = await connect('viewer', { role: 'admin' });
    await viewer.subscribeEvents({ streamId: channelId });
    const types: string[] = [];
    viewer.on('stream.updated', (e) => types.push(`${e.type}:${e.data.streamId}`));
    await platform.streams.update(channelId, { name: 'Renamed' });
    await waitFor(() => types.includes(`stream.updated:${channelId}`), { what: 'stream.updated over the socket' });
  });

  it('refreshes an expiring token through the callback and keeps receiving', async () => {
    let minted = 0;
    const short = await ChatClient.connect({
      url: realtimeUrl,
      tokenProvider: () => {
        minted++;
        return platform.createUserToken('shortlived', { ttl: 3 });
      },
      socketOptions: { reconnectionDelay: 200 },
    });
    clients.push(short);
    const got: string[] = [];
    const ch = short.channel(channelId);
    ch.on('message', (msg) => got.push(msg.text));
    await ch.join();
    const closing: string[] = [];
    short.on('closing', (n) => closing.push(n.code));
    // The closing notice arrives while the socket is still connected: coming back means a second token too.
    await waitFor(() => closing.includes('token_expired') && minted >= 2 && short.state === 'connected', {
      timeoutMs: 15_000,
      what: 'the server to close on expiry and the client to come back with a new token',
    });
    const sender = await connect('sender-after-refresh');
    await sender.channel(channelId).join();
    await sender.channel(channelId).send('after refresh');
    await waitFor(() => got.includes('after refresh'), { what: 'a message after the refresh' });
  });

  it('survives a realtime restart with no missing and no duplicate message', async () => {
    const room = (await platform.streams.create({ name: 'Restart' })).id;
    const alice = await connect('alice-restart', { slow: true }); // comes back later than bob
    const bob = await connect('bob-restart');
    const received: string[] = [];
    alice.channel(room).on('message', (msg) => received.push(msg.id));
    let recovered = 0;
    let resyncs = 0;
    alice.on('resync', (r) => {
      recovered += r.recovered;
      resyncs++;
    });
    await alice.channel(room).join();
    await bob.channel(room).join();

    const acked: string[] = [];
    let restarted = false;
    const TOTAL = 40;
    let sendError: unknown;
    const sending = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        const msg = await bob.channel(room).send(`m${i}`);
        acked.push(msg.id);
        await new Promise((r) => setTimeout(r, 40)); // bob's pace, so that the restart falls among his messages
      }
    })().catch((err: unknown) => {
      sendError = err;
    });
    await waitFor(() => acked.length >= 10, { what: 'messages before the restart' });
    await proc.kill('SIGKILL');
    proc = await spawnPlatform(env);
    restarted = true;
    await sending;
    expect(sendError).toBeUndefined();
    // Bob sent everything while alice was still away (she retries every 15 s): a real gap to fill.
    expect(alice.state).not.toBe('connected');
    expect(restarted).toBe(true);
    // Bob is done: once alice's gap-fill has finished, nothing more can come (a duplicate would be here by now)
    await waitFor(() => resyncs > 0 && received.length >= TOTAL, { timeoutMs: 30_000, what: 'alice to catch up' });
    expect(recovered, 'messages sent while alice was away came through gap-fill').toBeGreaterThan(0);
    expect(new Set(received).size).toBe(received.length);
    expect(received).toEqual(acked);
  });
});

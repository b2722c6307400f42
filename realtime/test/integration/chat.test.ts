// Chat on one node: threads, edits, deletes, reactions, typing, history paging, moderation rules, events.
import type { ChatMessage } from '@beamline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appWithChannel,
  chatOf,
  connect,
  refusal,
  send,
  startCluster,
  waitFor,
  type AnyDoc,
  type TestClient,
  type TestCluster,
} from '../harness';

let cluster: TestCluster;
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ count: 1, limits: { reactionsPerSecond: 3 } });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.close();
});

const setup = (extra: object = {}) => appWithChannel(cluster, clients, extra);

const textsOf = (c: TestClient) =>
  c.eventsOf('chat.message.new').map((e) => (e.data as { message: ChatMessage }).message.text);

describe('messages', () => {
  it('pages history back with before, forward with after, and loads a thread on demand', async () => {
    const { channelId, join } = await setup();
    const a = await join('a');
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 12; i++) sent.push(await send(a, channelId, `m${i}`));
    const latest = await a.request('history', { channelId, limit: 5 });
    expect(latest.ok && latest.messages.map((m) => m.text)).toEqual(['m7', 'm8', 'm9', 'm10', 'm11']);
    expect(latest.ok && latest.hasMore).toBe(true);
    const older = await a.request('history', { channelId, before: sent[7]!.id, limit: 5 });
    expect(older.ok && older.messages.map((m) => m.text)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
    const after = await a.request('history', { channelId, after: sent[9]!.id });
    expect(after.ok && after.messages.map((m) => m.text)).toContain('m11');
    expect(after.ok && after.messages.map((m) => m.id)).not.toContain(sent[9]!.id);
    const reply = await send(a, channelId, 'a reply', { parentId: sent[0]!.id });
    expect(reply.parentId).toBe(sent[0]!.id);
    const thread = await a.request('history', { channelId, parentId: sent[0]!.id });
    expect(thread.ok && thread.messages.map((m) => m.text)).toEqual(['a reply']);
    const parent = await a.request('history', { channelId, before: sent[1]!.id, limit: 1 });
    expect(parent.ok && parent.messages[0]!.replyCount).toBe(1);
    const orphan = await a.request('message.send', { channelId, text: 'x', parentId: 'msg_nope' });
    expect(!orphan.ok && orphan.error.code).toBe('parent_not_found');
  });

  it('lets the author edit and delete, moderators delete any message, and fans both out', async () => {
    const { channelId, join } = await setup();
    const author = await join('author');
    const other = await join('other');
    const mod = await join('mod', 'moderator');
    const m = await send(author, channelId, 'first draft');
    const notMine = await other.request('message.update', { messageId: m.id, text: 'hijacked' });
    expect(!notMine.ok && notMine.error.code).toBe('not_author');
    const edited = await author.request('message.update', { messageId: m.id, text: 'final' });
    expect(edited.ok && edited.message.text).toBe('final');
    await waitFor(() => other.eventsOf('chat.message.updated').length > 0);
    const denied = await other.request('message.delete', { messageId: m.id });
    expect(!denied.ok && denied.error.code).toBe('forbidden');
    const byMod = await mod.request('moderation.delete', { messageId: m.id });
    expect(byMod.ok).toBe(true);
    await waitFor(() => other.eventsOf('chat.message.deleted').length > 0);
    expect(other.eventsOf('chat.message.deleted')[0]!.data).toMatchObject({ messageId: m.id, deletedBy: 'mod' });
    const own = await send(author, channelId, 'oops');
    expect((await author.request('message.delete', { messageId: own.id })).ok).toBe(true);
  });

  it('stores and counts reactions, and rate-limits live reactions per user', async () => {
    const { channelId, join } = await setup();
    const a = await join('ra');
    const b = await join('rb');
    const m = await send(a, channelId, 'react to me');
    await a.request('message.react', { messageId: m.id, type: 'like' });
    await b.request('message.react', { messageId: m.id, type: 'like' });
    const twice = await b.request('message.react', { messageId: m.id, type: 'like' });
    expect(twice.ok && twice.message.reactions).toEqual({ like: 2 });
    const back = await b.request('message.react', { messageId: m.id, type: 'like', remove: true });
    expect(back.ok && back.message.reactions).toEqual({ like: 1 });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await a.request('reaction.send', { channelId, type: 'heart' }));
    expect(results.filter((r) => r.ok).length).toBe(3);
    expect(results.some((r) => !r.ok && r.error.code === 'rate_limited')).toBe(true);
    await waitFor(() => b.eventsOf('reaction.sent').length === 3);
  });

  it('sends typing indicators to the channel', async () => {
    const { channelId, join } = await setup();
    const a = await join('ta');
    const b = await join('tb');
    await a.request('typing.start', { channelId });
    await a.request('typing.stop', { channelId });
    await waitFor(() => b.eventsOf('typing.stop').length === 1);
    expect(b.eventsOf('typing.start')[0]!.data).toEqual({ channelId, userId: 'ta' });
  });
});

describe('moderation', () => {
  it('mutes with a duration, then unmutes', async () => {
    const { channelId, join } = await setup();
    const mod = await join('mm', 'moderator');
    const u = await join('mu');
    const muted = await mod.request('moderation.mute', { userId: 'mu', channelId, durationSeconds: 60 });
    expect(muted.ok && Date.parse(muted.until)).toBeGreaterThan(Date.now());
    const blocked = await u.request('message.send', { channelId, text: 'hello?' });
    expect(!blocked.ok && blocked.error.code).toBe('muted');
    await waitFor(() => u.eventsOf('user.muted').length === 1);
    expect((await mod.request('moderation.unmute', { userId: 'mu', channelId })).ok).toBe(true);
    expect((await u.request('message.send', { channelId, text: 'back' })).ok).toBe(true);
  });

  it('shadow-bans: the user sees their own messages, nobody else does', async () => {
    const { channelId, join } = await setup();
    const mod = await join('sm', 'admin');
    const shadow = await join('shadowed');
    const other = await join('viewer');
    expect((await mod.request('moderation.ban', { userId: 'shadowed', shadow: true })).ok).toBe(true);
    const m = await send(shadow, channelId, 'can anyone hear me');
    expect(m.shadowed).toBe(true);
    await send(other, channelId, 'normal');
    await waitFor(() => textsOf(other).includes('normal') && textsOf(shadow).includes('normal'));
    expect(textsOf(shadow)).toContain('can anyone hear me');
    expect(textsOf(other)).not.toContain('can anyone hear me');
    const hist = await other.request('history', { channelId });
    expect(hist.ok && hist.messages.map((x) => x.text)).toEqual(['normal']);
    const own = await shadow.request('history', { channelId });
    expect(own.ok && own.messages.map((x) => x.text)).toEqual(['can anyone hear me', 'normal']);
    expect(shadow.eventsOf('user.banned')).toEqual([]);
    expect(shadow.closing).toEqual([]);
  });

  it('applies the app blocklist: mask or block', async () => {
    const { app, channelId, join } = await setup();
    const u = await join('bl');
    const blocklists = chatOf(cluster, app.appId).blocklists;
    await blocklists.insert({ id: app.appId, words: ['darn'], mode: 'mask', updatedAt: new Date().toISOString() });
    expect((await send(u, channelId, 'well DARN it, darnation')).text).toBe('well **** it, darnation');
    await blocklists.updateOne({ id: app.appId }, { set: { mode: 'block' } });
    const refused = await u.request('message.send', { channelId, text: 'darn' });
    expect(!refused.ok && refused.error.code).toBe('message_blocked');
  });

  it('keeps members-only channels to their members and channel moderators', async () => {
    const { app, channelId } = await setup({ membersOnly: true, members: ['in'], moderators: ['chanmod'] });
    const url = cluster.nodes[0]!.url;
    const outsider = await connect(url, app.token('out'));
    const member = await connect(url, app.token('in'));
    const chanMod = await connect(url, app.token('chanmod'));
    clients.push(outsider, member, chanMod);
    const no = await outsider.request('channel.join', { channelId });
    expect(!no.ok && no.error.code).toBe('not_a_member');
    expect((await member.request('channel.join', { channelId })).ok).toBe(true);
    expect((await chanMod.request('channel.join', { channelId })).ok).toBe(true);
    // Nor can an outsider reach a message of the channel by its id.
    const inside = await send(member, channelId, 'members only');
    const react = await outsider.request('message.react', { messageId: inside.id, type: 'like' });
    expect(!react.ok && react.error.code).toBe('not_joined');
    const del = await outsider.request('message.delete', { messageId: inside.id });
    expect(!del.ok && del.error.code).toBe('not_joined');
    // A channel moderator moderates that channel, not the app.
    expect((await chanMod.request('moderation.slowmode', { channelId, seconds: 5 })).ok).toBe(true);
    const appWide = await chanMod.request('moderation.ban', { userId: 'in' });
    expect(!appWide.ok && appWide.error.code).toBe('forbidden');
  });
});

describe('connections and events', () => {
  it('closes the connection with a reason when the token expires', async () => {
    const { app } = await setup();
    // exp is in whole seconds: a 1 s token can be expired already at the handshake, a 2 s one lives 1–2 s
    const c = await connect(cluster.nodes[0]!.url, app.token('short', { ttlSeconds: 2 }));
    clients.push(c);
    await waitFor(() => c.closing.some((n) => n.code === 'token_expired'), { timeoutMs: 5000 });
    await waitFor(() => !c.socket.connected);
  });

  it('refuses tokens of an archived app', async () => {
    const { app } = await setup();
    await cluster.store.collection<AnyDoc>('apps').updateOne({ id: app.appId }, { set: { status: 'archived' } });
    expect((await refusal(cluster.nodes[0]!.url, app.token('u'))).data?.code).toBe('app_archived');
  });

  it('delivers platform events to subscribers of the app or of one stream, and a live stream has its own channel', async () => {
    const { app } = await setup();
    const url = cluster.nodes[0]!.url;
    const all = await connect(url, app.token('all', { role: 'admin' }));
    const one = await connect(url, app.token('one'));
    const none = await connect(url, app.token('none'));
    clients.push(all, one, none);
    await cluster.store
      .collection<AnyDoc>('streams')
      .insert({ id: 'str_one', appId: app.appId, playbackId: 'p1', playbackPolicy: 'public' });
    expect((await all.request('events.subscribe', {})).ok).toBe(true);
    expect((await one.request('events.subscribe', { streamId: 'str_one' })).ok).toBe(true);
    const now = new Date().toISOString();
    await cluster.publisher.publish(app.appId, 'stream.live', {
      streamId: 'str_one',
      playbackId: 'p1',
      startedAt: now,
    });
    await cluster.publisher.publish(app.appId, 'viewer.count.update', { streamId: 'str_two', viewers: 3 });
    await cluster.publisher.publish(app.appId, 'webhook.disabled', { webhookId: 'whk_1', reason: 'failing' });
    await cluster.publisher.publish(app.appId, 'custom', { name: 'score', payload: { home: 1 } });
    // 'custom' went last: once all has it, the node has sent every event; each socket's next answer comes after them
    await waitFor(() => all.eventsOf('custom').length > 0);
    await Promise.all([all.settle(), one.settle(), none.settle()]);
    expect(all.events.map((e) => e.type).sort()).toEqual(['custom', 'stream.live', 'viewer.count.update']);
    expect(one.events.map((e) => e.type)).toEqual(['stream.live']);
    expect(none.events).toEqual([]);
    expect(all.events[0]).toMatchObject({ appId: app.appId, id: expect.stringMatching(/^evt_/) });
    // A stream's implicit livestream channel exists once the stream does.
    const missing = await all.request('channel.join', { channelId: 'str_unknown' });
    expect(!missing.ok && missing.error.code).toBe('channel_not_found');
    await cluster.store.collection<AnyDoc>('streams').insert({ id: 'str_implicit' + Date.now(), appId: app.appId });
    const stream = (await cluster.store.collection<AnyDoc>('streams').find({ appId: app.appId }))[0]!;
    const joined = await all.request('channel.join', { channelId: stream.id });
    expect(joined.ok && joined.channel).toMatchObject({ id: stream.id, type: 'livestream', streamId: stream.id });
  });
});

// Restrictions hold on every verb that writes (send, edit, react, live reaction), and tokens must expire.
import { hmacKey } from '@beamline/core';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appWithChannel,
  chatOf,
  connect,
  refusal,
  refusedWith,
  send,
  startCluster,
  waitFor,
  type AnyDoc,
  type TestApp,
  type TestClient,
  type TestCluster,
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

const setup = (extra: object = {}) => appWithChannel(cluster, clients, extra);

const stored = (appId: string, id: string) => chatOf(cluster, appId).messages.findOne({ id });

describe('one restriction check for every write', () => {
  it('stops a muted user from editing and reacting to their own messages, and from live reactions', async () => {
    const { app, channelId, join } = await setup();
    const mod = await join('mod', 'moderator');
    const muted = await join('muted');
    const other = await join('other');
    const mine = await send(muted, channelId, 'before the mute');
    expect((await mod.request('moderation.mute', { userId: 'muted', channelId, durationSeconds: 600 })).ok).toBe(true);
    refusedWith(await muted.request('message.update', { messageId: mine.id, text: 'spam spam spam' }), 'muted');
    refusedWith(await muted.request('message.react', { messageId: mine.id, type: 'fire' }), 'muted');
    refusedWith(await muted.request('reaction.send', { channelId, type: 'fire' }), 'muted');
    expect((await stored(app.appId, mine.id))?.text).toBe('before the mute');
    expect((await stored(app.appId, mine.id))?.reactions).toBeUndefined();
    // What others saw: nothing of it (the next message is the marker that delivery has caught up).
    await send(mod, channelId, 'marker');
    await waitFor(() => other.eventsOf('chat.message.new').length === 2);
    expect(other.eventsOf('chat.message.updated')).toEqual([]);
    expect(other.eventsOf('reaction.sent')).toEqual([]);
  });

  it('re-checks membership of a members-only channel on every write, and on reading history', async () => {
    const { app, channelId, join } = await setup({ membersOnly: true, members: ['in', 'leaving'] });
    const leaving = await join('leaving');
    const mine = await send(leaving, channelId, 'while a member');
    await chatOf(cluster, app.appId).channels.updateOne({ id: channelId }, { set: { members: ['in'] } });
    refusedWith(await leaving.request('message.send', { channelId, text: 'after' }), 'not_a_member');
    refusedWith(await leaving.request('message.update', { messageId: mine.id, text: 'after' }), 'not_a_member');
    refusedWith(await leaving.request('message.react', { messageId: mine.id, type: 'like' }), 'not_a_member');
    refusedWith(await leaving.request('reaction.send', { channelId, type: 'like' }), 'not_a_member');
    refusedWith(await leaving.request('history', { channelId }), 'not_a_member');
  });

  it('holds slow mode on edits and reactions, each with its own turn', async () => {
    const { channelId, join } = await setup({ slowModeSeconds: 60 });
    const u = await join('slow');
    const mod = await join('fast', 'moderator');
    const m = await send(u, channelId, 'one');
    refusedWith(await u.request('message.send', { channelId, text: 'two' }), 'slow_mode');
    // A typo fixed at once is fine; a stream of edits is not.
    expect((await u.request('message.update', { messageId: m.id, text: 'one!' })).ok).toBe(true);
    refusedWith(await u.request('message.update', { messageId: m.id, text: 'one!!' }), 'slow_mode');
    expect((await u.request('message.react', { messageId: m.id, type: 'like' })).ok).toBe(true);
    refusedWith(await u.request('message.react', { messageId: m.id, type: 'love' }), 'slow_mode');
    refusedWith(await u.request('reaction.send', { channelId, type: 'love' }), 'slow_mode');
    // Moderators are exempt.
    const theirs = await send(mod, channelId, 'a');
    expect((await mod.request('message.update', { messageId: theirs.id, text: 'b' })).ok).toBe(true);
    expect((await mod.request('message.update', { messageId: theirs.id, text: 'c' })).ok).toBe(true);
  });

  it("keeps a shadow-banned user's edits and reactions to themselves", async () => {
    const { app, channelId, join } = await setup();
    const admin = await join('admin', 'admin');
    const shadow = await join('shadow');
    const other = await join('watcher');
    const m = await send(shadow, channelId, 'before the ban');
    await waitFor(() => other.eventsOf('chat.message.new').length === 1);
    expect((await admin.request('moderation.ban', { userId: 'shadow', shadow: true })).ok).toBe(true);
    const edited = await shadow.request('message.update', { messageId: m.id, text: 'buy my stuff' });
    expect(edited.ok && edited.message.text).toBe('buy my stuff');
    const reacted = await shadow.request('message.react', { messageId: m.id, type: 'like' });
    expect(reacted.ok && reacted.message.reactions).toEqual({ like: 1 });
    expect((await shadow.request('reaction.send', { channelId, type: 'like' })).ok).toBe(true);
    await waitFor(() => shadow.eventsOf('chat.message.updated').length === 1);
    await send(admin, channelId, 'marker');
    await waitFor(() => other.eventsOf('chat.message.new').length === 2);
    expect(other.eventsOf('chat.message.updated')).toEqual([]);
    expect(other.eventsOf('reaction.sent')).toEqual([]);
    const seen = await other.request('history', { channelId });
    expect(seen.ok && seen.messages.map((x) => x.text)).toEqual(['marker']);
    expect((await stored(app.appId, m.id))?.reactions).toBeUndefined();
  });
});

describe('user tokens without exp', () => {
  const forever = (app: TestApp) =>
    jwt.sign({ sub: 'forever', app: app.key }, hmacKey(app.secret), { algorithm: 'HS256' });

  it('are refused unless the app accepts tokens that never expire', async () => {
    const { app } = await setup();
    const refused = await refusal(cluster.nodes[0]!.url, forever(app));
    expect(refused.data?.code).toBe('token_exp_required');
    await cluster.store
      .collection<AnyDoc>('apps')
      .updateOne({ id: app.appId }, { set: { allowNonExpiringUserTokens: true } });
    const c = await connect(cluster.nodes[0]!.url, forever(app));
    clients.push(c);
    expect(c.socket.connected).toBe(true);
  });
});

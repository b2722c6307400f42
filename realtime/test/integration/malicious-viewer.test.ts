// The malicious viewer, over the real platform: with the guest chat token the player page hands any anonymous
// viewer, it tries every socket request against what is not its own; each is refused and nothing changes. A
// member's dashboard session and an admin token succeed where they should.
import { hmacKey } from '@beamline/core';
import { CLIENT_REQUESTS, type ClientRequestName } from '@beamline/protocol';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestPlatform, type TestPlatform } from '@beamline/testkit';
import { connect, waitFor, type TestClient } from '../harness';

let platform: TestPlatform;
let api: ApiClient;
const clients: TestClient[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  api = new ApiClient((path, init) => fetch(`${platform.urls.api}${path}`, init));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await platform?.close();
});

async function open(token: string): Promise<TestClient> {
  const c = await connect(platform.urls.realtime!, token);
  clients.push(c);
  return c;
}

/** An app with a public stream (the viewer's), a signed stream, a second public stream and two channels. */
async function world() {
  const dev = await api.register();
  const app = await api.createApp(dev.token);
  const auth = { basic: [app.key, app.secret] as [string, string] };
  const stream = async (name: string, playbackPolicy: 'public' | 'signed') => {
    const res = await api.call('POST', `/v1/apps/${app.appId}/streams`, { auth, body: { name, playbackPolicy } });
    expect(res.status).toBe(201);
    return res.body as { id: string; playbackId: string };
  };
  const channel = async (body: object) => {
    const res = await api.call('POST', `/v1/apps/${app.appId}/channels`, { auth, body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const userToken = async (userId: string, role?: string) => {
    const res = await api.call('POST', `/v1/apps/${app.appId}/users/tokens`, {
      auth,
      body: { userId, ...(role ? { role } : {}) },
    });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };
  const watched = await stream('Public show', 'public');
  const secret = await stream('Board meeting', 'signed');
  const another = await stream('Other show', 'public');
  const lounge = await channel({ type: 'messaging', name: 'Lounge' });
  const staff = await channel({ type: 'messaging', name: 'Staff', membersOnly: true, members: ['alice'] });
  // Alice, an end user, writes in the viewer's stream chat and in the staff channel.
  const alice = await open(await userToken('alice'));
  for (const channelId of [watched.id, staff])
    expect((await alice.request('channel.join', { channelId })).ok).toBe(true);
  const sent = async (channelId: string, text: string) => {
    const ack = await alice.request('message.send', { channelId, text });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    return ack.message.id;
  };
  const inStream = await sent(watched.id, 'hello stream');
  const inStaff = await sent(staff, 'staff only');
  return { dev, app, auth, watched, secret, another, lounge, staff, alice, inStream, inStaff, userToken };
}

/** The guest token the player page gives, as the route gives it; a role-`user` token is turned into a guest's. */
async function guestToken(w: Awaited<ReturnType<typeof world>>): Promise<string> {
  const res = await api.call('POST', `/v1/watch/${w.watched.playbackId}/chat-token`, { body: { name: 'Mallory' } });
  expect(res.status).toBe(201);
  const token = res.body.token as string;
  const claims = jwt.decode(token, { json: true })!;
  if (claims.role === 'guest' && claims.channel === w.watched.id) return token;
  // A route that still mints role user: the same identity as the route will mint it.
  return jwt.sign(
    { sub: claims.sub, app: w.app.key, role: 'guest', channel: w.watched.id, name: 'Mallory' },
    hmacKey(w.app.secret),
    { algorithm: 'HS256', expiresIn: 600 },
  );
}

type Attempt = [ClientRequestName, object];

describe('the malicious viewer', () => {
  it('is refused every socket request aimed beyond its own stream chat, and changes nothing', async () => {
    const w = await world();
    const mallory = await open(await guestToken(w));
    // What it may do: join its stream's chat, read it, follow its public stream's viewer events.
    expect((await mallory.request('channel.join', { channelId: w.watched.id })).ok).toBe(true);
    const playback = (sub: string) =>
      jwt.sign(
        { sub, kid: w.app.key, aud: 'playback', exp: Math.floor(Date.now() / 1000) + 600 },
        hmacKey(w.app.secret),
        {
          algorithm: 'HS256',
        },
      );
    const attempts: Attempt[] = [
      ['channel.join', { channelId: w.lounge }],
      ['channel.join', { channelId: w.staff }],
      ['channel.join', { channelId: w.another.id }],
      ['channel.join', { channelId: w.secret.id }],
      ['channel.leave', { channelId: w.staff }],
      ['message.send', { channelId: w.lounge, text: 'spam' }],
      ['message.send', { channelId: w.staff, text: 'spam' }],
      ['message.update', { messageId: w.inStream, text: 'Alice was hacked' }],
      ['message.update', { messageId: w.inStaff, text: 'Alice was hacked' }],
      ['message.delete', { messageId: w.inStream }],
      ['message.delete', { messageId: w.inStaff }],
      ['message.react', { messageId: w.inStaff, type: 'like' }],
      ['history', { channelId: w.staff }],
      ['history', { channelId: w.lounge }],
      ['typing.start', { channelId: w.lounge }],
      ['typing.stop', { channelId: w.staff }],
      ['reaction.send', { channelId: w.lounge, type: 'heart' }],
      ['moderation.ban', { userId: 'alice' }],
      ['moderation.ban', { userId: 'alice', channelId: w.watched.id, shadow: true }],
      ['moderation.unban', { userId: 'alice' }],
      ['moderation.mute', { userId: 'alice', channelId: w.watched.id, durationSeconds: 3600 }],
      ['moderation.unmute', { userId: 'alice' }],
      ['moderation.slowmode', { channelId: w.watched.id, seconds: 3600 }],
      ['moderation.delete', { messageId: w.inStream }],
      ['events.subscribe', {}],
      ['events.subscribe', { streamId: w.secret.id }],
      ['events.subscribe', { streamId: w.secret.id, playbackToken: playback(w.watched.playbackId) }],
      ['events.unsubscribe', {}],
    ];
    expect(new Set(attempts.map(([name]) => name))).toEqual(new Set(CLIENT_REQUESTS));
    for (const [name, payload] of attempts) {
      const ack = (await mallory.request(name, payload)) as { ok?: true; error?: { code: string } };
      expect(ack.ok, `${name} ${JSON.stringify(payload)} → ${JSON.stringify(ack)}`).toBeUndefined();
      expect(ack.error?.code, `${name} ${JSON.stringify(payload)}`).toMatch(
        /^(forbidden|not_author|guest_channel_only|playback_token_required|playback_token_invalid)$/,
      );
    }
    // Nothing changed: Alice's messages, the stream chat's settings, her standing.
    const history = await w.alice.request('history', { channelId: w.watched.id });
    expect(history.ok && history.messages.map((m) => m.text)).toEqual(['hello stream']);
    const staff = await w.alice.request('history', { channelId: w.staff });
    expect(staff.ok && staff.messages.map((m) => [m.text, m.reactions])).toEqual([['staff only', undefined]]);
    expect((await w.alice.request('message.send', { channelId: w.watched.id, text: 'still here' })).ok).toBe(true);
    const bans = await api.call('GET', `/v1/apps/${w.app.appId}/bans`, { auth: w.auth });
    expect(bans.body.data).toEqual([]);
    // A private stream created now, and its settings changed, never reach the viewer.
    const created = await api.call('POST', `/v1/apps/${w.app.appId}/streams`, {
      auth: w.auth,
      body: { name: 'Private launch', playbackPolicy: 'signed' },
    });
    await api.call('PATCH', `/v1/apps/${w.app.appId}/streams/${w.secret.id}`, {
      auth: w.auth,
      body: { name: 'Board meeting (renamed)' },
    });
    // a message after the changes, on the same bus: once mallory has it, their events would have come first
    expect((await w.alice.request('message.send', { channelId: w.watched.id, text: 'after the changes' })).ok).toBe(
      true,
    );
    await waitFor(() =>
      mallory.eventsOf('chat.message.new').some((e) => JSON.stringify(e).includes('after the changes')),
    );
    const leaked = mallory.events.filter(
      (e) => e.type.startsWith('stream.') || JSON.stringify(e).includes(created.body.id),
    );
    expect(leaked).toEqual([]);
    expect(mallory.events.map((e) => e.type).filter((t) => !t.startsWith('chat.') && t !== 'presence.changed')).toEqual(
      [],
    );
  });

  it("succeeds with a member's dashboard session and with an admin token where they may", async () => {
    const w = await world();
    const session = await api.call('POST', `/v1/apps/${w.app.appId}/realtime-token`, { auth: { bearer: w.dev.token } });
    expect(session.status).toBe(201);
    expect(jwt.decode(session.body.token, { json: true })).toMatchObject({ scope: 'dashboard' });
    const member = await open(session.body.token as string);
    const admin = await open(await w.userToken('ops', 'admin'));
    for (const c of [member, admin]) {
      expect((await c.request('events.subscribe', {})).ok).toBe(true);
      expect((await c.request('events.subscribe', { streamId: w.secret.id })).ok).toBe(true);
    }
    const created = await api.call('POST', `/v1/apps/${w.app.appId}/streams`, {
      auth: w.auth,
      body: { name: 'Private launch', playbackPolicy: 'signed' },
    });
    for (const c of [member, admin]) {
      await waitFor(() =>
        c.eventsOf('stream.created').some((e) => (e.data as { streamId: string }).streamId === created.body.id),
      );
    }
    // The admin moderates: joins the members-only channel, deletes others' messages, but edits none.
    expect((await admin.request('channel.join', { channelId: w.staff })).ok).toBe(true);
    expect((await admin.request('channel.join', { channelId: w.watched.id })).ok).toBe(true);
    const edit = await admin.request('message.update', { messageId: w.inStream, text: 'x' });
    expect(!edit.ok && edit.error.code).toBe('not_author');
    expect((await admin.request('history', { channelId: w.staff })).ok).toBe(true);
    expect((await admin.request('moderation.delete', { messageId: w.inStaff })).ok).toBe(true);
    expect((await admin.request('moderation.mute', { userId: 'alice', durationSeconds: 60 })).ok).toBe(true);
    expect((await admin.request('moderation.unmute', { userId: 'alice' })).ok).toBe(true);
    expect((await admin.request('moderation.slowmode', { channelId: w.lounge, seconds: 5 })).ok).toBe(true);
  });
});

// Chat usage from real sockets: realtime (in the all-in-one platform) reports connections, joins, messages
// and reactions over the bus; the control plane's meters and analytics count them, per app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestPlatform, type TestClient, type TestPlatform, waitFor } from '@beamline/testkit';
import { ApiClient } from '../helpers';

let platform: TestPlatform;
let api: ApiClient;
const clients: TestClient[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ USAGE_FLUSH_MS: '200' });
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
  const userToken = async (userId: string) =>
    (await api.call('POST', `/v1/apps/${app.appId}/users/tokens`, { auth, body: { userId } })).body.token as string;
  const meters = async () => {
    const usage = (await api.call('GET', `/v1/apps/${app.appId}/usage`, { auth })).body;
    return Object.fromEntries(usage.meters.map((m: { meter: string; value: number }) => [m.meter, m.value]));
  };
  return { ...app, auth, userToken, meters };
}

describe('chat metering', () => {
  it('counts monthly chat users from connections, and messages, reactions and joins, for their app only', async () => {
    const app = await newApp();
    const other = await newApp();
    const channelId = (
      await api.call('POST', `/v1/apps/${app.appId}/channels`, {
        auth: app.auth,
        body: { type: 'messaging', name: 'General' },
      })
    ).body.id as string;
    const alice = await connect(platform.urls.realtime!, await app.userToken('alice'));
    const bob = await connect(platform.urls.realtime!, await app.userToken('bob'));
    const carol = await connect(platform.urls.realtime!, await app.userToken('carol')); // connects, does nothing
    clients.push(alice, bob, carol);
    expect((await alice.request('channel.join', { channelId })).ok).toBe(true);
    expect((await bob.request('channel.join', { channelId })).ok).toBe(true);
    expect((await alice.request('message.send', { channelId, text: 'hello' })).ok).toBe(true);
    expect((await bob.request('message.send', { channelId, text: 'hi' })).ok).toBe(true);
    expect((await alice.request('message.send', { channelId, text: 'again' })).ok).toBe(true);
    expect((await bob.request('reaction.send', { channelId, type: 'like' })).ok).toBe(true);

    const m = await waitFor(
      async () => {
        const now = await app.meters();
        return now.chat_messages === 3 && now.chat_mau === 3 ? now : null;
      },
      { timeoutMs: 10_000, what: 'chat meters' },
    );
    expect(m).toMatchObject({ chat_messages: 3, chat_mau: 3 });
    const tl = (await api.call('GET', `/v1/apps/${app.appId}/analytics/timeline?range=24h`, { auth: app.auth })).body;
    const sum = (f: string) => tl.points.reduce((n: number, p: Record<string, number>) => n + p[f]!, 0);
    expect([sum('messages'), sum('reactions'), sum('chatJoins')]).toEqual([3, 1, 2]);
    // reconnecting the same user does not make another monthly user
    carol.close();
    clients.push(await connect(platform.urls.realtime!, await app.userToken('carol')));
    // a new user after her: once dave is counted, so is carol's reconnection (the bus keeps their order)
    clients.push(await connect(platform.urls.realtime!, await app.userToken('dave')));
    const after = await waitFor(
      async () => {
        const now = await app.meters();
        return now.chat_mau >= 4 ? now : null;
      },
      { timeoutMs: 10_000, what: 'the new user to be counted' },
    );
    expect(after.chat_mau).toBe(4);
    const theirs = await other.meters();
    expect([theirs.chat_messages, theirs.chat_mau]).toEqual([0, 0]);
  });
});

// A real crash: the all-in-one platform process is killed with SIGKILL while clients chat, then started
// again on the same data directory and ports. Every acknowledged message is still there, and every client
// reconnects by itself and ends with the full, ordered history, no message shown twice.
import { rmSync } from 'node:fs';
import type { ChatMessage } from '@beamline/protocol';
import { afterAll, expect, it } from 'vitest';
import { ApiClient, type PlatformProcess, spawnPlatform, testEnv } from '@beamline/testkit';
import { ChatView, connect, messageOrder, waitFor } from '../harness';

let running: PlatformProcess | undefined;
let dataDir: string | undefined;
const views: ChatView[] = [];

afterAll(async () => {
  for (const v of views) v.client.close();
  await running?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('keeps every acknowledged message through kill -9 and a restart', async () => {
  const env = await testEnv();
  dataDir = env.DATA_DIR;
  running = await spawnPlatform(env);
  const api = new ApiClient((path, init) => fetch(`${running!.api}${path}`, init));
  const dev = await api.register();
  const app = await api.createApp(dev.token);
  const auth = { basic: [app.key, app.secret] as [string, string] };
  const { body: channel } = await api.call('POST', `/v1/apps/${app.appId}/channels`, {
    auth,
    body: { type: 'livestream' },
  });
  const realtimeUrl = `http://127.0.0.1:${env.REALTIME_PORT}`;
  for (let i = 0; i < 10; i++) {
    const { body } = await api.call('POST', `/v1/apps/${app.appId}/users/tokens`, { auth, body: { userId: `u${i}` } });
    const client = await connect(realtimeUrl, body.token as string, { reconnection: true });
    client.socket.io.opts.reconnectionDelay = 200;
    client.socket.io.opts.reconnectionDelayMax = 500;
    const view = new ChatView(client, channel.id as string);
    await view.resync();
    views.push(view);
  }

  const acked = new Set<string>();
  let sending = true;
  const senders = views.slice(0, 4).map(async (view, i) => {
    for (let n = 0; sending; n++) {
      const clientId = `k${i}-${n}`;
      // Resend the same clientId until it is acknowledged, across the crash.
      for (;;) {
        if (view.client.socket.connected) {
          const ack = await view.client.socket
            .timeout(2000)
            .emitWithAck('message.send', { channelId: channel.id, text: clientId, clientId })
            .catch(() => null);
          if (ack?.ok) {
            acked.add((ack.message as ChatMessage).id);
            break;
          }
        }
        if (!sending) break;
        await new Promise((r) => setTimeout(r, 100)); // a refused or unanswered send is tried again at this pace
      }
      await new Promise((r) => setTimeout(r, 50)); // the senders' pace, so that the kill falls among messages
    }
  });

  await waitFor(() => acked.size >= 40, { timeoutMs: 20_000, what: '40 acknowledged messages' });
  await running.kill('SIGKILL');
  const ackedAtKill = new Set(acked);
  running = await spawnPlatform(env);
  await waitFor(() => views.every((v) => v.reconnects > 0 && v.client.socket.connected), {
    timeoutMs: 20_000,
    what: 'every client to reconnect to the restarted platform',
  });
  await waitFor(() => acked.size >= ackedAtKill.size + 20, { timeoutMs: 20_000, what: 'chat to flow again' });
  sending = false;
  await Promise.all(senders);

  // Read the store through the API of the restarted process: every acknowledged message is there once.
  const stored: ChatMessage[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: ChatMessage[]; nextCursor: string | null } } = await api.call(
      'GET',
      `/v1/apps/${app.appId}/channels/${channel.id}/messages?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      { auth },
    );
    stored.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  for (const id of ackedAtKill) expect(stored.some((m) => m.id === id)).toBe(true);
  for (const id of acked) expect(stored.some((m) => m.id === id)).toBe(true);
  expect(new Set(stored.map((m) => m.clientId)).size).toBe(stored.length);

  const full = stored.sort(messageOrder).map((m) => m.id);
  await waitFor(() => views.every((v) => v.messages.size >= full.length), {
    timeoutMs: 10_000,
    what: 'every client to hold the full history',
  });
  for (const view of views) expect(view.ordered().map((m) => m.id)).toEqual(full);
}, 120_000);

// Failure drill, cluster mode with all four processes (control plane, two realtime nodes, edge) over Redis
// and the shared store: 100 chat clients spread over both nodes, kill -9 of one node and a Redis restart
// while they talk. No acknowledged message is lost, clients reconnect by themselves, and the messages
// of the cross-node gap are in the history clients fill gaps from.
import { waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TestClient } from '@beamline/testkit';
import { startDrill, type Drill } from '../drill';

const CLIENTS = 100;
let drill: Drill;
let clients: TestClient[] = [];
let channelId: string;
const acknowledged = new Set<string>();

beforeAll(async () => {
  drill = await startDrill({ restartDelayMs: 300 });
  const channel = await drill.api('/channels', { method: 'POST', body: JSON.stringify({ type: 'livestream' }) });
  expect(channel.status).toBe(201);
  channelId = ((await channel.json()) as any).id;
  clients = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const res = await drill.api('/users/tokens', { method: 'POST', body: JSON.stringify({ userId: `user-${i}` }) });
      const { token } = (await res.json()) as any;
      const client = await connect(drill.cluster.urls.realtime[i % 2]!, token, { reconnection: true });
      const join = await client.request('channel.join', { channelId });
      expect(join.ok).toBe(true);
      // a reconnected socket joins again, as the SDK does
      client.socket.io.on('reconnect', () => void client.request('channel.join', { channelId }).catch(() => undefined));
      return client;
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await drill?.close();
});

/** Sends from a few clients of both nodes for `ms`; counts only acknowledged messages. */
async function talk(ms: number, tag: string): Promise<{ sent: number; failed: number }> {
  const until = Date.now() + ms;
  let sent = 0;
  let failed = 0;
  await Promise.all(
    [0, 1, 2, 3].map(async (w) => {
      for (let i = 0; Date.now() < until; i++) {
        const client = clients[w * 17]!;
        const ack = await client
          .request('message.send', { channelId, text: `${tag} ${w}-${i}` })
          .catch(() => ({ error: { code: 'timeout' } }));
        if ('ok' in ack && ack.ok) {
          acknowledged.add(ack.message.id);
          sent++;
        } else failed++;
        // 1.5 messages a second per talker: under the default limit of 20 per 10 s.
        await new Promise((r) => setTimeout(r, 650)); // the talkers' pace is the load itself
      }
    }),
  );
  return { sent, failed };
}

async function history(): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = (await (
      await drill.api(`/channels/${channelId}/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
    ).json()) as any;
    for (const m of page.data) ids.add(m.id);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

const connected = () => clients.filter((c) => c.socket.connected).length;

/** One message from a client of node 1 reaches a client of node 2 and back: the adapter carries traffic. */
async function crossNode(tag: string) {
  // Clients 2 and 3 (one per node) are not among the talkers, so the per-user send limit never trips here.
  const [a, b] = [clients[2]!, clients[3]!];
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const ack = await from.request('message.send', { channelId, text: `${tag} cross` });
    expect('ok' in ack && ack.ok, JSON.stringify(ack)).toBe(true);
    const id = (ack as any).message.id;
    acknowledged.add(id);
    await waitFor(() => to.events.some((e) => (e.data as any).message?.id === id), {
      timeoutMs: 10_000,
      what: `${tag}: a message to reach the other node`,
    });
  }
}

describe('drill: realtime nodes under chat load', () => {
  it('loses no acknowledged message when a node is killed -9, and its clients reconnect by themselves', async () => {
    await crossNode('before');
    const before = acknowledged.size;
    const load = talk(8_000, 'kill');
    await waitFor(() => acknowledged.size >= before + 8, { what: 'the load to be under way' });
    await drill.cluster.kill('realtime-1', 'SIGKILL');
    const result = await load;
    await drill.cluster.waitReady('realtime-1', 30_000);
    await waitFor(() => connected() === CLIENTS, { timeoutMs: 30_000, what: 'every client to be connected again' });
    console.info(`realtime kill drill: ${result.sent} acknowledged, ${result.failed} refused while the node was down`);
    expect(result.sent).toBeGreaterThan(10);
    const stored = await history();
    expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    await crossNode('after the kill');
  });

  it('keeps both nodes serving through a Redis restart, and the gap is in the history', async () => {
    const before = acknowledged.size;
    const load = talk(6_000, 'redis');
    await waitFor(() => acknowledged.size >= before + 6, { what: 'the load to be under way' });
    await drill.cluster.restartRedis();
    const result = await load;
    console.info(`realtime Redis drill: ${result.sent} acknowledged, ${result.failed} refused`);
    expect(result.sent).toBeGreaterThan(10);
    // the adapter is back: messages cross nodes again
    await waitFor(() => crossNode('after redis').then(() => true), { timeoutMs: 20_000, what: 'cross-node delivery' });
    // what a client missed across nodes while Redis was away is in the history it gap-fills from
    const stored = await history();
    expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    expect(connected()).toBe(CLIENTS);
  });
});

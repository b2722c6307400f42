// Kill one node while 50 clients are connected to it and messages flow: every client reconnects to the
// other node and ends with the full, ordered history: zero acknowledged messages lost, zero duplicates.
//
// The nodes run in this process over one embedded store object (the embedded store belongs to one
// process; cluster mode shares MongoDB). The kill is a crash as clients see it: node A's TCP connections
// are destroyed without a goodbye and it stops serving; clients reach the nodes through a TCP balancer
// that sends new connections to a live node, as a load balancer in front of the cluster would.
import { createServer, connect as tcpConnect, type Server, type Socket as NetSocket } from 'node:net';
import { startRedis, type RedisServer } from '@beamline/core/testing';
import type { ChatMessage } from '@beamline/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  chatOf,
  ChatView,
  connect,
  createApp,
  insertChannel,
  messageOrder,
  startCluster,
  waitFor,
  type TestCluster,
} from '../harness';

let redis: RedisServer;
let cluster: TestCluster;
let balancer: Server;
const upstreams = new Set<NetSocket>();

interface Backend {
  port: number;
  alive: boolean;
}

/** A TCP balancer: the first `pinned` connections go to backend 0, the rest to 1; dead backends are skipped. */
function startBalancer(backends: Backend[], pinned: number): Promise<number> {
  let count = 0;
  balancer = createServer((client) => {
    const preferred = count++ < pinned ? 0 : 1;
    const order = [preferred, 1 - preferred].filter((i) => backends[i]!.alive);
    const target = backends[order[0] ?? 1]!;
    const upstream = tcpConnect(target.port, '127.0.0.1');
    upstreams.add(upstream);
    upstream.once('close', () => upstreams.delete(upstream));
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  return new Promise((resolve) =>
    balancer.listen(0, '127.0.0.1', () => resolve((balancer.address() as { port: number }).port)),
  );
}

beforeAll(async () => {
  redis = await startRedis();
  cluster = await startCluster({ count: 2, redisUrl: redis.url });
});
afterAll(async () => {
  balancer?.close();
  for (const s of upstreams) s.destroy();
  await cluster?.close();
  await redis?.stop();
});

it('loses no acknowledged message and shows none twice when a node dies under 50 clients', async () => {
  const app = await createApp(cluster);
  const channelId = await insertChannel(cluster, app.appId, { id: `chn_failover${Date.now()}`, type: 'livestream' });
  const backends: Backend[] = cluster.nodes.map((n) => ({ port: Number(new URL(n.url).port), alive: true }));
  const onA = 50;
  const onB = 10;
  const port = await startBalancer(backends, onA);
  const url = `http://127.0.0.1:${port}`;

  const views: ChatView[] = [];
  for (let i = 0; i < onA + onB; i++) {
    const client = await connect(url, app.token(`user${i}`), { reconnection: true });
    client.socket.io.opts.reconnectionDelay = 100;
    client.socket.io.opts.reconnectionDelayMax = 500;
    const view = new ChatView(client, channelId);
    await view.resync();
    views.push(view);
  }
  const nodeA = cluster.nodes[0]!.node;
  expect((await nodeA.io.local.fetchSockets()).length).toBe(onA);

  // Senders on both nodes: each message has a clientId and is resent until it is acknowledged.
  const acked = new Map<string, string>();
  let sending = true;
  const senders = [0, 1, 2, 3, 4, 50, 51, 52, 53, 54].map(async (i) => {
    const view = views[i]!;
    for (let n = 0; sending; n++) {
      const clientId = `s${i}-${n}`;
      for (;;) {
        if (!view.client.socket.connected) {
          await waitFor(() => view.client.socket.connected, { timeoutMs: 20_000, what: 'the client to reconnect' });
          continue;
        }
        try {
          const ack = await view.client.socket
            .timeout(2000)
            .emitWithAck('message.send', { channelId, text: `message ${clientId}`, clientId });
          if (ack.ok) {
            acked.set(clientId, ack.message.id);
            break;
          }
          // re-joining after a reconnect is under way: back off a little rather than flood the node
          if (ack.error?.code === 'not_joined') await new Promise((r) => setTimeout(r, 50));
          else throw new Error(JSON.stringify(ack));
        } catch (err) {
          if (err instanceof Error && err.message.startsWith('{')) throw err;
          // no ack (the node died): resend the same clientId
        }
      }
      await new Promise((r) => setTimeout(r, 100)); // the senders' pace (ten a second), not a wait
    }
  });

  await waitFor(() => acked.size > 20, { timeoutMs: 20_000, what: 'messages acknowledged before the crash' });
  const ackedBeforeKill = acked.size;
  backends[0]!.alive = false;
  await nodeA.crash();
  await waitFor(() => views.slice(0, onA).every((v) => v.reconnects > 0 && v.client.socket.connected), {
    timeoutMs: 20_000,
    what: 'every client of the dead node to reconnect',
  });
  expect((await cluster.nodes[1]!.node.io.local.fetchSockets()).length).toBe(onA + onB);
  const ackedAtReconnect = acked.size;
  await waitFor(() => acked.size > ackedAtReconnect + 20, { timeoutMs: 20_000, what: 'messages after the failover' });
  sending = false;
  await Promise.all(senders);
  expect(ackedBeforeKill).toBeGreaterThan(20);
  expect(acked.size).toBeGreaterThan(ackedBeforeKill);

  const stored: ChatMessage[] = await chatOf(cluster, app.appId).messages.find({ channelId });
  // Every acknowledged message is stored once; resends did not store twice.
  expect(new Set(stored.map((m) => m.clientId)).size).toBe(stored.length);
  for (const id of acked.values()) expect(stored.some((m) => m.id === id)).toBe(true);
  const full = stored.sort(messageOrder).map((m) => m.id);

  await waitFor(() => views.every((v) => v.messages.size >= full.length), {
    timeoutMs: 10_000,
    what: 'every client to hold the full history',
  });
  for (const view of views) {
    const shown = view.ordered().map((m) => m.id);
    expect(shown).toEqual(full);
  }
  for (const v of views) v.client.close();
}, 90_000);

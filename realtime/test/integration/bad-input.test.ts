// Bad input: malformed payloads, oversized messages, unknown events and flooding get an error ack or a
// disconnect with a reason, never a crash, and the other clients are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  createApp,
  insertChannel,
  startCluster,
  waitFor,
  type TestApp,
  type TestClient,
  type TestCluster,
} from '../harness';

let cluster: TestCluster;
let app: TestApp;
let channelId: string;
let bystander: TestClient;
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ count: 1, flood: { requestsPerSecond: 20, disconnectAfter: 60 } });
  app = await createApp(cluster);
  channelId = await insertChannel(cluster, app.appId, { id: `chn_bad${Date.now()}` });
  bystander = await connect(cluster.nodes[0]!.url, app.token('bystander'));
  await bystander.request('channel.join', { channelId });
});
afterAll(async () => {
  for (const c of [...clients, bystander]) c?.close();
  await cluster?.close();
});

async function client(userId: string): Promise<TestClient> {
  const c = await connect(cluster.nodes[0]!.url, app.token(userId));
  clients.push(c);
  const joined = await c.request('channel.join', { channelId });
  expect(joined.ok).toBe(true);
  return c;
}

/** The bystander can still chat, and sees the text arrive. */
async function bystanderStillWorks(text: string) {
  const ack = await bystander.request('message.send', { channelId, text });
  expect(ack.ok).toBe(true);
  await waitFor(() =>
    bystander.eventsOf('chat.message.new').some((e) => (e.data as { message: { text: string } }).message.text === text),
  );
}

describe('bad input over the socket', () => {
  it('answers malformed payloads with validation_failed', async () => {
    const c = await client('malformed');
    const cases: unknown[] = [
      undefined,
      null,
      42,
      'text',
      [],
      {},
      { channelId },
      { channelId, text: 42 },
      { channelId: '../../etc', text: 'x' },
      { channelId, text: 'x', extra: true },
      { channelId, text: 'x', attachments: [{ type: 'image', url: 'javascript:alert(1)' }] },
      { channelId, text: 'x', clientId: 'a'.repeat(65) },
      { channelId: { $ne: null }, text: 'x' },
    ];
    for (const payload of cases) {
      const ack = (await c.raw('message.send', payload)) as { error?: { code: string } };
      expect(ack.error?.code, JSON.stringify(payload)).toBe('validation_failed');
    }
    const hist = (await c.raw('history', { channelId, limit: 10_000 })) as { error?: { code: string } };
    expect(hist.error?.code).toBe('validation_failed');
    const empty = await c.request('message.send', { channelId, text: '   ' });
    expect(!empty.ok && empty.error.code).toBe('validation_failed');
    expect(c.socket.connected).toBe(true);
    await bystanderStillWorks('after malformed');
  });

  it('answers oversized messages with an error ack, and closes a connection that sends an oversized packet', async () => {
    const c = await client('oversized');
    const long = await c.request('message.send', { channelId, text: 'x'.repeat(4001) });
    expect(!long.ok && long.error.code).toBe('message_too_long');
    const tooLong = await c.request('message.send', { channelId, text: 'x'.repeat(9000) });
    expect(!tooLong.ok && tooLong.error.code).toBe('validation_failed');
    const big = await client('big-packet');
    const reason = new Promise<string>((resolve) => big.socket.once('disconnect', (r) => resolve(r)));
    big.socket.emit('message.send', { channelId, text: 'y'.repeat(200 * 1024) });
    expect(await reason).toMatch(/close/);
    expect(c.socket.connected).toBe(true);
    await bystanderStillWorks('after oversized');
  });

  it('answers unknown events with unknown_request and ignores them without an ack', async () => {
    const c = await client('unknown');
    const ack = (await c.raw('admin.drop_database', { all: true })) as { error?: { code: string } };
    expect(ack.error?.code).toBe('unknown_request');
    c.socket.emit('no.ack.here', { x: 1 });
    c.socket.emit('message.send', { channelId, text: 'sent without an ack callback' });
    const proto = (await c.raw('__proto__', {})) as { error?: { code: string } };
    expect(proto.error?.code).toBe('unknown_request');
    // A request made before joining a channel.
    const other = await connect(cluster.nodes[0]!.url, app.token('not-joined'));
    clients.push(other);
    const notJoined = await other.request('message.send', { channelId, text: 'hi' });
    expect(!notJoined.ok && notJoined.error.code).toBe('not_joined');
    expect(c.socket.connected).toBe(true);
    await bystanderStillWorks('after unknown');
  });

  it('rate-limits, then disconnects a flooding connection with a reason', async () => {
    const c = await client('flooder');
    const acks: Promise<unknown>[] = [];
    const closed = new Promise<string>((resolve) => c.socket.once('disconnect', (r) => resolve(r)));
    for (let i = 0; i < 100; i++) {
      acks.push(
        c.socket
          .timeout(3000)
          .emitWithAck('typing.start', { channelId })
          .catch(() => 'no ack'),
      );
    }
    const results = await Promise.all(acks);
    const limited = results.filter((r) => (r as { error?: { code: string } })?.error?.code === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    expect(await closed).toBe('io server disconnect');
    expect(c.closing[0]?.code).toBe('flooding');
    await bystanderStillWorks('after flooding');
  });

  it('keeps the node alive through all of it', async () => {
    const late = await client('late');
    const ack = await late.request('message.send', { channelId, text: 'still here' });
    expect(ack.ok).toBe(true);
  });
});

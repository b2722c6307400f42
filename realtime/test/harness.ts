// Test harness: realtime nodes on loopback over one store, a fresh app per test, testkit's Socket.IO clients.
import {
  createEventPublisher,
  createLogger,
  EmbeddedStore,
  InProcessBus,
  RedisBus,
  SecretBox,
  type DocumentStore,
  type EventBus,
} from '@beamline/core';
import { freePort, tempDir } from '@beamline/core/testing';
import { connect, type TestClient } from '@beamline/testkit/socket';
import {
  newId,
  randomToken,
  SERVER_EVENT,
  type ChatMessage,
  type EventEnvelope,
  type UserRole,
} from '@beamline/protocol';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { chatRepos, createChatServices, signUserToken, type ChannelDoc } from '@beamline/chat';
import { localFirstBus } from '../src/local-first-bus';
import { createRealtimeNode, type RealtimeNode } from '../src/server';
import type { FloodLimits } from '../src/handlers';

/** Any stored document, for tests that write fixtures straight into the store. */
export type AnyDoc = { id: string } & Record<string, unknown>;

export interface TestNode {
  url: string;
  node: RealtimeNode;
  bus: EventBus;
  stop(): Promise<void>;
}

export interface TestCluster {
  store: DocumentStore;
  box: SecretBox;
  nodes: TestNode[];
  /** Publishes platform events as the control plane would (on node 0's bus). */
  publisher: ReturnType<typeof createEventPublisher>;
  close(): Promise<void>;
}

/**
 * Starts `count` realtime nodes in this process over ONE embedded store object (a stand-in for the
 * shared MongoDB of cluster mode: the embedded store belongs to one process). With `redisUrl`, each node
 * has its own Redis bus, adapter and counters, exactly as separate processes would.
 */
export async function startCluster(opts: {
  count: number;
  redisUrl?: string;
  flood?: Partial<FloodLimits>;
  limits?: { messagesPer10s?: number; reactionsPerSecond?: number };
}): Promise<TestCluster> {
  const dir = tempDir('beamline-rt-');
  const store = new EmbeddedStore({ dataDir: dir.path });
  const box = new SecretBox(randomBytes(32));
  const log = createLogger({ name: 'realtime-test', level: 'silent', pretty: false });
  const shared = new InProcessBus();
  const redisClients: Redis[] = [];
  const redis = () => {
    const r = new Redis(opts.redisUrl!, { maxRetriesPerRequest: 3, lazyConnect: false });
    redisClients.push(r);
    return r;
  };
  const nodes: TestNode[] = [];
  for (let i = 0; i < opts.count; i++) {
    const bus: EventBus = opts.redisUrl ? new RedisBus(redis(), redis()) : shared;
    // As in main.ts: in a cluster, a node delivers what it publishes to its own sockets at once.
    const nodeBus = opts.redisUrl ? localFirstBus(bus) : bus;
    const events = createEventPublisher({ store, bus: nodeBus });
    const chat = await createChatServices({
      store,
      events,
      log,
      ...(opts.redisUrl ? { redis: redis() } : {}),
      limits: { messagesPer10s: 1000, reactionsPerSecond: 100, ...opts.limits },
    });
    const node = await createRealtimeNode({
      store,
      bus: nodeBus,
      secretBox: box,
      chat,
      log,
      ...(opts.redisUrl ? { redis: { pub: redis(), sub: redis() } } : {}),
      flood: { requestsPerSecond: 1000, disconnectAfter: 5000, ...opts.flood },
    });
    const { port } = await node.listen(await freePort(), '127.0.0.1');
    let stopped = false;
    nodes.push({
      url: `http://127.0.0.1:${port}`,
      node,
      bus,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await node.close();
      },
    });
  }
  return {
    store,
    box,
    nodes,
    publisher: createEventPublisher({ store, bus: nodes[0]!.bus }),
    close: async () => {
      for (const n of nodes) await n.stop().catch(() => undefined);
      if (opts.redisUrl) for (const n of nodes) await n.bus.close().catch(() => undefined);
      for (const r of redisClients) r.disconnect();
      await shared.close();
      await store.close();
      dir.remove();
    },
  };
}

export interface TestApp {
  appId: string;
  key: string;
  secret: string;
  token(userId: string, opts?: TokenOptions): string;
}

export interface TokenOptions {
  role?: UserRole;
  name?: string;
  ttlSeconds?: number;
  /** A member's dashboard session. */
  scope?: 'dashboard';
  /** A guest's one channel. */
  channel?: string;
}

/** A fresh app with one API key, written as the control plane writes them. */
export async function createApp(cluster: Pick<TestCluster, 'store' | 'box'>): Promise<TestApp> {
  const appId = newId('app');
  const key = `pk_${randomToken(24)}`;
  const secret = `sk_${randomToken(40)}`;
  const now = new Date().toISOString();
  await cluster.store.collection<AnyDoc>('apps').insert({ id: appId, name: 'test', status: 'active', createdAt: now });
  await cluster.store.collection<AnyDoc>('api_keys').insert({
    id: newId('apiKey'),
    appId,
    name: 'default',
    key,
    secretSealed: cluster.box.seal(secret),
    secretLast4: secret.slice(-4),
    createdAt: now,
  });
  return {
    appId,
    key,
    secret,
    token: (userId, opts = {}) =>
      signUserToken(
        secret,
        {
          sub: userId,
          app: key,
          ...(opts.role ? { role: opts.role } : {}),
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.scope ? { scope: opts.scope } : {}),
          ...(opts.channel ? { channel: opts.channel } : {}),
        },
        opts.ttlSeconds ?? 3600,
      ),
  };
}

export { waitFor } from '@beamline/core/testing';
export { connect, refusal, type TestClient } from '@beamline/testkit/socket';

/** A channel written into the store as the control plane writes one; `extra` overrides its fields. */
export async function insertChannel(
  cluster: Pick<TestCluster, 'store'>,
  appId: string,
  extra: object = {},
): Promise<string> {
  const id = `chn_${randomToken(10)}`;
  await chatOf(cluster, appId).channels.insert({
    id,
    type: 'messaging',
    membersOnly: false,
    slowModeSeconds: 0,
    createdAt: new Date().toISOString(),
    ...extra,
    ...('id' in extra ? {} : { id }),
  } as Omit<ChannelDoc, 'appId'>);
  return (extra as { id?: string }).id ?? id;
}

/** One app's chat collections, through chat's tenant views. */
export const chatOf = (cluster: Pick<TestCluster, 'store'>, appId: string) => chatRepos(cluster.store)(appId);

/** A fresh app with one channel, and a way to connect users (kept in `clients` to be closed) who join it. */
export async function appWithChannel(cluster: TestCluster, clients: TestClient[], extra: object = {}) {
  const app = await createApp(cluster);
  const channelId = await insertChannel(cluster, app.appId, extra);
  const join = async (userId: string, role?: 'moderator' | 'admin') => {
    const c = await connect(cluster.nodes[0]!.url, app.token(userId, role ? { role } : {}));
    clients.push(c);
    const ack = await c.request('channel.join', { channelId });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    return c;
  };
  return { app, channelId, join };
}

/** Sends a message and answers the stored message, or throws the refusal. */
export async function send(c: TestClient, channelId: string, text: string, more: object = {}): Promise<ChatMessage> {
  const ack = await c.request('message.send', { channelId, text, ...more });
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  return ack.message;
}

/** Expects an error acknowledgement with this code. */
export function refusedWith(ack: { ok?: boolean; error?: { code: string } }, code: string): void {
  expect(ack.ok, JSON.stringify(ack)).toBeUndefined();
  expect(ack.error?.code).toBe(code);
}

/** Channel order: by server time, then id. */
export const messageOrder = (a: ChatMessage, b: ChatMessage) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** A chat client as the SDK behaves: merges by id, re-joins and gap-fills from its last seen id on reconnect. */
export class ChatView {
  readonly messages = new Map<string, ChatMessage>();
  reconnects = 0;
  constructor(
    readonly client: TestClient,
    readonly channelId: string,
  ) {
    client.socket.on(SERVER_EVENT, (e: EventEnvelope) => {
      if (e.type === 'chat.message.new') this.add([(e.data as { message: ChatMessage }).message]);
    });
    client.socket.io.on('reconnect', () => {
      this.reconnects++;
      this.resync().catch(() => undefined); // the next reconnect tries again
    });
  }
  add(list: ChatMessage[]) {
    for (const m of list) this.messages.set(m.id, m);
  }
  lastSeen(): ChatMessage | undefined {
    return [...this.messages.values()].sort(messageOrder).at(-1);
  }
  async resync(): Promise<void> {
    const last = this.lastSeen();
    const joined = await this.client.request('channel.join', { channelId: this.channelId });
    if (!joined.ok) throw new Error(JSON.stringify(joined));
    this.add(joined.messages);
    let after = last?.id;
    while (after) {
      const page = await this.client.request('history', { channelId: this.channelId, after, limit: 200 });
      if (!page.ok) throw new Error(JSON.stringify(page));
      this.add(page.messages);
      after = page.hasMore ? page.messages.at(-1)?.id : undefined;
    }
  }
  ordered(): ChatMessage[] {
    return [...this.messages.values()].sort(messageOrder);
  }
}

// The server side of the realtime benches, run as a child process: our realtime node(s) or a bare
// Socket.IO room broadcast, one or two nodes (through Redis). Talks to the parent over IPC.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import {
  appApiKeys,
  appsCollection,
  createEventPublisher,
  createLogger,
  EmbeddedStore,
  InProcessBus,
  RedisBus,
  SecretBox,
  type EventBus,
} from '@beamline/core';
import { tempDir } from '@beamline/core/testing';
import { newId, randomToken } from '@beamline/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { chatRepos, createChatServices } from '@beamline/chat';
import { localFirstBus } from '../../realtime/src/local-first-bus';
import { createRealtimeNode, SOCKET_OPTIONS } from '../../realtime/src/server';

export interface BenchServerInfo {
  ports: number[];
  key?: string;
  secret?: string;
  channelId?: string;
}

const [mode, nodesArg, redisUrl] = process.argv.slice(2) as ['ours' | 'bare', string, string | undefined];
const nodes = Number(nodesArg);
const redis = () => new Redis(redisUrl!);

const listen = (server: ReturnType<typeof createServer>) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

interface BareSend {
  room: string;
  text: string;
  clientId: string;
}
const BARE_APP = newId('app');

async function bare(): Promise<BenchServerInfo> {
  const ports: number[] = [];
  for (let i = 0; i < nodes; i++) {
    const http = createServer();
    // Our nodes' engine settings (packet limit, ping interval and timeout): the two differ in their path only.
    const io = new Server(http, SOCKET_OPTIONS);
    if (redisUrl) io.adapter(createAdapter(redis(), redis()));
    io.on('connection', (socket) => {
      socket.on('join', (room: string, ack: (r: unknown) => void) => {
        void socket.join(room);
        ack({ ok: true });
      });
      // The same bytes as our delivery: a chat message in the event envelope, built here without any check,
      // storage or bus, so that the comparison is of the path and not of the payload's size.
      socket.on('send', (payload: BareSend, ack: (r: unknown) => void) => {
        const createdAt = new Date().toISOString();
        const message = {
          id: newId('message'),
          channelId: payload.room,
          userId: socket.id.slice(0, 12),
          text: payload.text,
          createdAt,
          clientId: payload.clientId,
        };
        const envelope = {
          id: newId('event'),
          type: 'chat.message.new',
          appId: BARE_APP,
          createdAt,
          data: { channelId: payload.room, message },
        };
        io.to(payload.room).emit('msg', envelope);
        ack({ ok: true });
      });
    });
    ports.push(await listen(http));
  }
  return { ports };
}

async function sampleAllocations(dir: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 32_768,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${mode}-${nodes}.heapprofile`, JSON.stringify(profile));
  };
}

async function ours(): Promise<BenchServerInfo> {
  const dir = tempDir('beamline-bench-');
  const store = new EmbeddedStore({ dataDir: dir.path });
  const box = new SecretBox(randomBytes(32));
  const log = createLogger({ name: 'bench', level: 'silent', pretty: false });
  const appId = newId('app');
  const key = `pk_${randomToken(24)}`;
  const secret = `sk_${randomToken(40)}`;
  const now = new Date().toISOString();
  await appsCollection(store).insert({
    id: appId,
    name: 'bench',
    status: 'active',
    createdBy: 'bench',
    createdAt: now,
    updatedAt: now,
  });
  await appApiKeys(store, appId).insert({
    id: newId('apiKey'),
    name: 'bench',
    key,
    secretSealed: box.seal(secret),
    secretLast4: secret.slice(-4),
    createdAt: now,
  });
  const channelId = newId('channel');
  await chatRepos(store)(appId).channels.insert({
    id: channelId,
    type: 'livestream',
    membersOnly: false,
    slowModeSeconds: 0,
    createdAt: now,
  });
  const shared = new InProcessBus();
  const ports: number[] = [];
  for (let i = 0; i < nodes; i++) {
    // As in the node's main.ts: in a cluster, what a node publishes reaches its own sockets at once.
    const bus: EventBus = redisUrl ? localFirstBus(new RedisBus(redis(), redis())) : shared;
    const chat = await createChatServices({
      store,
      events: createEventPublisher({ store, bus }),
      log,
      ...(redisUrl ? { redis: redis() } : {}),
      // Per-user limits above the bench's send rate: the bench measures the path, not the limiter's refusals.
      limits: { messagesPer10s: 10_000 },
    });
    const node = await createRealtimeNode({
      store,
      bus,
      secretBox: box,
      chat,
      log,
      ...(redisUrl ? { redis: { pub: redis(), sub: redis() } } : {}),
    });
    ports.push((await node.listen(0, '127.0.0.1')).port);
  }
  return { ports, key, secret, channelId };
}

// ALLOC_PROF=<dir>: a sampling profile of everything the server allocates, garbage included, written on SIGTERM.
const allocations = process.env.ALLOC_PROF ? await sampleAllocations(process.env.ALLOC_PROF) : null;
// A normal exit on SIGTERM, so that --cpu-prof (PROF=<dir>) writes its profile.
process.on('SIGTERM', () => void (allocations ? allocations().finally(() => process.exit(0)) : process.exit(0)));
const info = mode === 'ours' ? await ours() : await bare();
process.send!({ type: 'ready', info });
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'memory') {
    for (let i = 0; i < 3; i++) global.gc?.();
    const m = process.memoryUsage();
    process.send!({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, external: m.external });
  }
});
process.on('disconnect', () => process.exit(0));

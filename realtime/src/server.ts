// A realtime node: Socket.IO over HTTP, user-token handshake, chat handlers, bus events to sockets.
import { createServer, type Server as HttpServer } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import { EVENTS_TOPIC, type DocumentStore, type EventBus, type Logger, type SecretBox } from '@beamline/core';
import { CLOSING_EVENT, REALTIME_LIMITS, type ClosingNotice, type EventEnvelope } from '@beamline/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { authenticateUser, type SocketUser } from './auth';
import type { ChatServices } from './chat/context';
import { restrictionsFor } from './chat/moderation';
import { deliver } from './delivery';
import { ChatError } from './errors';
import { attachHandlers, joinsModeratorRoom, type FloodLimits } from './handlers';
import { rooms } from './rooms';
import type { RealtimeRuntime } from './runtime';

export interface RealtimeDeps {
  store: DocumentStore;
  bus: EventBus;
  secretBox: SecretBox;
  chat: ChatServices;
  log: Logger;
  /** Cluster mode: the Socket.IO Redis adapter (presence and room operations across nodes). */
  redis?: { pub: Redis; sub: Redis };
  flood?: Partial<FloodLimits>;
  /** Allowed browser origins; default any (tokens, not cookies, authenticate). */
  corsOrigins?: string[];
}

export interface RealtimeNode {
  io: Server;
  http: HttpServer;
  listen(port: number, host: string): Promise<{ port: number }>;
  /** Graceful stop: clients are told and disconnected, then the server closes. */
  close(): Promise<void>;
  /** Drops every TCP connection at once without a goodbye, as a crashed node would (tests). */
  crash(): Promise<void>;
}

export const DEFAULT_FLOOD_LIMITS: FloodLimits = { requestsPerSecond: 30, disconnectAfter: 150 };

export async function createRealtimeNode(deps: RealtimeDeps): Promise<RealtimeNode> {
  const http = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'Connect with Socket.IO.' } }));
  });
  const connections = new Set<NetSocket>();
  http.on('connection', (s: NetSocket) => {
    connections.add(s);
    s.once('close', () => connections.delete(s));
  });
  const io = new Server(http, {
    maxHttpBufferSize: REALTIME_LIMITS.maxPacketBytes,
    cors: { origin: deps.corsOrigins ?? true },
    serveClient: false,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });
  if (deps.redis)
    io.adapter(createAdapter(deps.redis.pub, deps.redis.sub, { key: 'beamline-io', requestsTimeout: 3000 }));
  const rt: RealtimeRuntime = {
    io,
    chat: deps.chat,
    log: deps.log,
    flood: { ...DEFAULT_FLOOD_LIMITS, ...deps.flood },
  };

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    authenticateUser({ store: deps.store, secretBox: deps.secretBox, now: deps.chat.now }, token)
      .then(async (user) => {
        const { ban } = await restrictionsFor(
          { appId: user.appId, actor: { type: 'user', userId: user.userId, role: user.role }, chat: deps.chat },
          user.userId,
        );
        if (ban && !ban.shadow) throw new ChatError('forbidden', 'banned', 'This user is banned from the app.');
        socket.data = user;
        next();
      })
      .catch((err: unknown) => {
        const known = err instanceof ChatError;
        if (!known) deps.log.error({ err }, 'handshake failed');
        const refused = new Error(known ? err.message : 'The handshake failed.') as Error & { data: unknown };
        refused.data = { code: known ? err.code : 'internal_error', message: refused.message };
        next(refused);
      });
  });

  const expiry = new Map<string, NodeJS.Timeout>();
  io.on('connection', (socket) => {
    const user = socket.data as SocketUser;
    void socket.join([
      rooms.user(user.appId, user.userId),
      ...(joinsModeratorRoom(user) ? [rooms.moderators(user.appId)] : []),
    ]);
    attachHandlers(rt, socket);
    if (user.exp) {
      const ms = Math.min(user.exp * 1000 - Date.now(), 2 ** 31 - 1);
      const timer = setTimeout(
        () => {
          const notice: ClosingNotice = {
            code: 'token_expired',
            message: 'The user token expired; reconnect with a new one.',
          };
          socket.emit(CLOSING_EVENT, notice);
          socket.disconnect();
        },
        Math.max(ms, 0),
      );
      timer.unref();
      expiry.set(socket.id, timer);
    }
    socket.on('disconnect', () => {
      clearTimeout(expiry.get(socket.id));
      expiry.delete(socket.id);
    });
  });
  io.engine.on('connection_error', (err: { code: number; message: string }) => {
    deps.log.debug({ code: err.code, message: err.message }, 'engine connection error');
  });

  const unsubscribe = await deps.bus.subscribe(EVENTS_TOPIC, (message) => {
    try {
      deliver(io, message as EventEnvelope);
    } catch (err) {
      deps.log.error({ err }, 'event delivery failed');
    }
  });

  let stopped = false;
  /** Stops serving once; the adapter closes before its Redis clients go. */
  const stop = async (graceful: boolean) => {
    if (stopped) return;
    stopped = true;
    await unsubscribe();
    if (graceful) {
      const notice: ClosingNotice = { code: 'server_shutdown', message: 'The server is restarting; reconnect.' };
      io.local.emit(CLOSING_EVENT, notice);
    } else {
      for (const s of connections) s.destroy();
    }
    await new Promise<void>((resolve) => io.close(() => resolve()));
    for (const s of connections) s.destroy();
    for (const timer of expiry.values()) clearTimeout(timer);
    if (deps.redis) {
      deps.redis.pub.disconnect();
      deps.redis.sub.disconnect();
    }
  };
  return {
    io,
    http,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const addr = http.address();
          resolve({ port: typeof addr === 'object' && addr ? addr.port : port });
        });
      }),
    close: () => stop(true),
    crash: () => stop(false),
  };
}

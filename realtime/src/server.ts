// A realtime node: Socket.IO over HTTP, user-token handshake, chat handlers, bus events to sockets.
import { createServer, type Server as HttpServer } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import {
  DomainError,
  EVENTS_TOPIC,
  PRIVACY_TOPIC,
  serveMetrics,
  USAGE_TOPIC,
  type DocumentStore,
  type EventBus,
  type Logger,
  type Metrics,
  type SecretBox,
} from '@beamline/core';
import {
  CLOSING_EVENT,
  REALTIME_LIMITS,
  type ChatErrorCode,
  type ClosingNotice,
  type EventEnvelope,
  type HandshakeError,
} from '@beamline/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server, type ServerOptions } from 'socket.io';
import { authenticateUser, forbidden, moderation, type ChatServices, type ChatUser } from '@beamline/chat';
import { deliver, targetRooms } from './delivery';
import { dropForgottenUser } from './privacy';
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
  /** Prometheus series (sockets connected, messages in and out) served on /metrics. */
  metrics?: Metrics;
}

export interface RealtimeNode {
  io: Server;
  http: HttpServer;
  listen(port: number, host: string): Promise<{ port: number }>;
  /** Answers /readyz with 503 from now on while still serving (the first step of a graceful stop). */
  drain(): void;
  /** Graceful stop: clients are told and disconnected, then the server closes. */
  close(): Promise<void>;
  /** Drops every TCP connection at once without a goodbye, as a crashed node would (tests). */
  crash(): Promise<void>;
}

/** The engine settings of every realtime node (the fan-out bench gives its bare baseline the same). */
export const SOCKET_OPTIONS = {
  maxHttpBufferSize: REALTIME_LIMITS.maxPacketBytes,
  serveClient: false,
  pingInterval: 10_000,
  pingTimeout: 10_000,
} satisfies Partial<ServerOptions>;

export const DEFAULT_FLOOD_LIMITS: FloodLimits = { requestsPerSecond: 30, disconnectAfter: 150 };

export async function createRealtimeNode(deps: RealtimeDeps): Promise<RealtimeNode> {
  let draining = false;
  const http = createServer((req, res) => {
    if (deps.metrics && serveMetrics(deps.metrics, req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' || !draining;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          ok
            ? { status: path === '/healthz' ? 'ok' : 'ready' }
            : { error: { code: 'shutting_down', message: 'This node is shutting down.' } },
        ),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'Connect with Socket.IO.' } }));
  });
  const connections = new Set<NetSocket>();
  http.on('connection', (s: NetSocket) => {
    connections.add(s);
    s.once('close', () => connections.delete(s));
  });
  const io = new Server(http, { ...SOCKET_OPTIONS, cors: { origin: deps.corsOrigins ?? true } });
  if (deps.redis)
    io.adapter(createAdapter(deps.redis.pub, deps.redis.sub, { key: 'beamline-io', requestsTimeout: 3000 }));
  const rt: RealtimeRuntime = {
    io,
    chat: deps.chat,
    log: deps.log,
    flood: { ...DEFAULT_FLOOD_LIMITS, ...deps.flood },
    store: deps.store,
    secretBox: deps.secretBox,
    settling: new Set(),
  };

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    authenticateUser(
      { store: deps.store, secretBox: deps.secretBox, now: deps.chat.now },
      token,
      socket.handshake.headers.origin,
    )
      .then(async (user) => {
        const { ban } = await moderation.restrictionsFor(
          { appId: user.appId, actor: { type: 'user', userId: user.userId, role: user.role }, chat: deps.chat },
          user.userId,
        );
        if (ban && !ban.shadow) throw forbidden('banned', 'This user is banned from the app.');
        socket.data = user;
        next();
      })
      .catch((err: unknown) => {
        const known = err instanceof DomainError;
        if (!known) deps.log.error({ err }, 'handshake failed');
        const refused = new Error(known ? err.message : 'The handshake failed.') as Error & { data: HandshakeError };
        // Only chat's helpers (codes typed by the protocol's chat catalog) throw in the handshake.
        refused.data = { code: known ? (err.code as ChatErrorCode) : 'internal_error', message: refused.message };
        next(refused);
      });
  });

  io.on('connection', (socket) => {
    const { appId, userId } = socket.data as ChatUser;
    deps.bus.publish(USAGE_TOPIC, { type: 'connection', appId, userId }).catch(() => undefined); // metering
    if (joinsModeratorRoom(socket.data as ChatUser))
      void socket.join(rooms.moderators((socket.data as ChatUser).appId));
    attachHandlers(rt, socket);
    if (deps.metrics) {
      const messages = deps.metrics.messages;
      socket.onAny(() => messages.inc({ direction: 'in' }));
    }
  });
  // One sweep a second closes connections whose token has expired (no timer per connection).
  const sweep = setInterval(() => {
    const now = Date.now() / 1000;
    for (const socket of io.of('/').sockets.values()) {
      const exp = (socket.data as ChatUser).exp;
      if (exp !== undefined && exp <= now) {
        const notice: ClosingNotice = {
          code: 'token_expired',
          message: 'The user token expired; reconnect with a new one.',
        };
        socket.emit(CLOSING_EVENT, notice);
        socket.disconnect();
      }
    }
  }, 1000);
  sweep.unref();
  io.engine.on('connection_error', (err: { code: number; message: string }) => {
    deps.log.debug({ code: err.code, message: err.message }, 'engine connection error');
  });

  const unsubscribe = await deps.bus.subscribe(EVENTS_TOPIC, (message) => {
    try {
      deliver(io, message as EventEnvelope);
      if (deps.metrics) deps.metrics.messages.inc({ direction: 'out' }, localRecipients(io, message as EventEnvelope));
    } catch (err) {
      deps.log.error({ err }, 'event delivery failed');
    }
  });

  const unsubscribePrivacy = await deps.bus.subscribe(PRIVACY_TOPIC, (message) => dropForgottenUser(io, message));

  deps.metrics?.gauge(
    'beamline_realtime_sockets_connected',
    'Socket.IO clients connected to this node.',
    () => io.engine.clientsCount,
  );

  let stopped = false;
  /** Stops serving once; the adapter closes before its Redis clients go. */
  const stop = async (graceful: boolean) => {
    if (stopped) return;
    stopped = true;
    await unsubscribe();
    await unsubscribePrivacy();
    if (graceful) {
      // The published marks gathered so far, so that a resend after the restart does not publish again.
      await deps.chat.messageWrites.flush().catch((err: unknown) => deps.log.warn({ err }, 'could not write marks'));
      const notice: ClosingNotice = { code: 'server_shutdown', message: 'The server is restarting; reconnect.' };
      io.local.emit(CLOSING_EVENT, notice);
    } else {
      for (const s of connections) s.destroy();
    }
    await new Promise<void>((resolve) => io.close(() => resolve()));
    for (const s of connections) s.destroy();
    clearInterval(sweep);
    // Presence of the sockets that just left starts on the next turn; let it finish while the adapter can publish.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.allSettled(rt.settling);
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
    drain: () => {
      draining = true;
    },
    close: () => {
      draining = true;
      return stop(true);
    },
    crash: () => stop(false),
  };
}

/** How many of this node's sockets an event reaches (each socket once, however many of its rooms match). */
function localRecipients(io: Server, event: EventEnvelope): number {
  const rooms = io.of('/').adapter.rooms;
  const ids = new Set<string>();
  for (const room of targetRooms(event)) for (const id of rooms.get(room) ?? []) ids.add(id);
  return ids.size;
}

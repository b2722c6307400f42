// The control plane service: HTTP API over the store, started and stopped by a composition root.
import { serve, type ServerType } from '@hono/node-server';
import type { Duplex } from 'node:stream';
import type { ControlPlaneDeps } from './deps';
import { buildHttpApp, type RouteModule } from './http/app';
import { STORE_INDEXES } from './indexes';
import { createDispatcher, type WebhookDispatcher } from './webhooks';
import { opsModule } from './ops/routes';
import { createStatusMonitor, parseComponents } from './ops/status';
import { meteredSender, webhookQueueGauge } from './ops/webhook-metrics';

/** Requests Node's parser rejects (oversized headers, malformed HTTP) still get the JSON error body. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({
    error: tooLarge
      ? { code: 'headers_too_large', message: 'The URL or headers are larger than the server accepts (16 KB).' }
      : { code: 'bad_request', message: 'The request is not valid HTTP.' },
  });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface ControlPlane {
  http: ReturnType<typeof buildHttpApp>;
  /** Publishes platform events (outbox, then bus), as the routes do. */
  events: ControlPlaneDeps['events'];
  /** Sends webhooks while the service listens; null when WEBHOOK_DISPATCHER is off. */
  webhooks: WebhookDispatcher | null;
  /**
   * Starts serving, then the background workers (webhook dispatcher, usage flushes, status probes) unless
   * `workers` is false: a process that starts more services after this one starts them once all are up.
   */
  listen(port: number, host: string, opts?: { workers?: boolean }): Promise<{ port: number }>;
  /** Starts the background workers (once; listen does it by default). */
  startWorkers(): Promise<void>;
  /** Answers /readyz with 503 from now on while still serving (the first step of a graceful stop). */
  drain(): void;
  /** Stops accepting, lets requests in flight and webhook attempts finish, then resolves. */
  close(): Promise<void>;
}

export async function createControlPlane(deps: ControlPlaneDeps, modules: RouteModule[] = []): Promise<ControlPlane> {
  // Every index of the collections the control plane reaches (indexes.ts), before anything reads them.
  await deps.store.ensureIndexes(STORE_INDEXES);
  const { metrics, config } = deps;
  const webhooks = config.WEBHOOK_DISPATCHER
    ? createDispatcher(deps, metrics ? { sender: meteredSender(deps, metrics) } : {})
    : null;
  if (metrics) webhookQueueGauge(deps, metrics);
  const status = createStatusMonitor({
    store: deps.store,
    log: deps.log.child({ component: 'status' }),
    components: parseComponents(config.STATUS_COMPONENTS, {
      realtime: `${config.REALTIME_PUBLIC_URL.replace(/\/$/, '')}/readyz`,
      'media-edge': `${config.HLS_PUBLIC_URL.replace(/\/$/, '')}/readyz`,
    }),
    intervalMs: config.STATUS_PROBE_INTERVAL_MS,
  });
  const refreshSeconds = Math.max(5, Math.round(config.STATUS_PROBE_INTERVAL_MS / 1000));
  // This node's view of developer sessions, API keys, apps and memberships, kept current by the other nodes'
  // changes on the bus.
  await deps.access.start();
  const http = buildHttpApp(deps, [...modules, opsModule({ metrics, status, refreshSeconds })]);
  let server: ServerType | undefined;
  let draining = false;
  let workers: Promise<void> | undefined;
  const startWorkers = () =>
    (workers ??= (async () => {
      await webhooks?.start();
      await deps.usage.start();
      status.start();
    })());
  // Readiness goes false first, so a load balancer stops sending new work before the listener closes.
  const fetch = (req: Request, env: unknown) =>
    draining && new URL(req.url).pathname === '/readyz'
      ? Response.json({ error: { code: 'shutting_down', message: 'This process is shutting down.' } }, { status: 503 })
      : http.app.fetch(req, env as never);
  return {
    http,
    events: deps.events,
    webhooks,
    listen: async (port, host, opts = {}) => {
      const bound = await new Promise<{ port: number }>((resolve, reject) => {
        server = serve({ fetch, port, hostname: host }, (info) => resolve({ port: info.port }));
        server.once('error', reject);
        server.on('clientError', answerClientError);
      });
      if (opts.workers !== false) await startWorkers();
      return bound;
    },
    startWorkers,
    drain: () => {
      draining = true;
    },
    close: async () => {
      draining = true;
      status.stop();
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await webhooks?.stop();
      await deps.usage.stop();
      await deps.access.close();
    },
  };
}

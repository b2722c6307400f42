// Prometheus metrics of one service: a registry of its own, the platform's named series, and the /metrics answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ServiceName = 'control-plane' | 'realtime' | 'media-edge';

export interface Metrics {
  readonly registry: Registry;
  /** Seconds from request to response, by method, matched route pattern and status code. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Chat requests and events: `in` are client requests received, `out` are events sent to sockets. */
  readonly messages: Counter<'direction'>;
  /** Bytes of HLS playlists and segments sent, by kind (live, vod). */
  readonly hlsBytes: Counter<'kind'>;
  /** Transcoding speed samples (1 = real time) of the running ffmpeg processes. */
  readonly ffmpegSpeed: Histogram;
  /** Webhook attempts by result: succeeded, http_4xx, http_5xx, network_error, refused. */
  readonly webhookAttempts: Counter<'result'>;
  /** Signed edge ↔ control-plane requests refused, by reason (missing, invalid, stale, replayed). */
  readonly edgeAuthFailures: Counter<'reason'>;
  /** A gauge read when Prometheus scrapes (sockets connected, live streams, queue depth …). */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  /** Times one HTTP request: call the returned function with the route and status when it is answered. */
  startHttpTimer(method: string): (route: string, status: number) => void;
  /** Records one answered HTTP request that took `ms` milliseconds. */
  observeHttp(method: string, route: string, status: number, ms: number): void;
  /** The text exposition of every series. */
  render(): Promise<string>;
  readonly contentType: string;
}

/**
 * Builds the metrics of one service. Every series carries `service` as a label, and the
 * process metrics (CPU, memory, GC, event-loop lag as `nodejs_eventloop_lag_*`) are included.
 */
export function createMetrics(service: ServiceName): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];
  const httpDuration = new Histogram({
    name: 'beamline_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const httpSeries = new Map<string, ReturnType<typeof httpDuration.labels>>();
  // A service's own series are there from the start; one it never feeds is not shown.
  const lazy = <M>(make: () => M) => {
    let made: M | undefined;
    return () => (made ??= make());
  };
  const messages = lazy(
    () =>
      new Counter({
        name: 'beamline_realtime_messages_total',
        help: 'Realtime traffic: requests received from clients (in) and events sent to sockets (out).',
        labelNames: ['direction'] as const,
        registers,
      }),
  );
  const hlsBytes = lazy(
    () =>
      new Counter({
        name: 'beamline_hls_bytes_served_total',
        help: 'Bytes of HLS playlists and segments sent to viewers.',
        labelNames: ['kind'] as const,
        registers,
      }),
  );
  const ffmpegSpeed = lazy(
    () =>
      new Histogram({
        name: 'beamline_ffmpeg_speed_ratio',
        help: 'Transcoding speed reported by ffmpeg (1 is real time; below 1 the ladder falls behind).',
        buckets: [0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.5, 2, 4],
        registers,
      }),
  );
  const webhookAttempts = lazy(
    () =>
      new Counter({
        name: 'beamline_webhook_attempts_total',
        help: 'Webhook delivery attempts by result.',
        labelNames: ['result'] as const,
        registers,
      }),
  );
  const edgeAuthFailures = lazy(
    () =>
      new Counter({
        name: 'beamline_edge_auth_failures_total',
        help: 'Requests between the edge and the control plane refused for a missing, bad, stale or replayed signature.',
        labelNames: ['reason'] as const,
        registers,
      }),
  );
  const own = {
    realtime: [messages],
    'media-edge': [hlsBytes, ffmpegSpeed, edgeAuthFailures],
    'control-plane': [webhookAttempts, edgeAuthFailures],
  };
  for (const make of own[service]) make();
  const observeHttp: Metrics['observeHttp'] = (method, route, status, ms) => {
    // One labelled child per series, so an observation does not hash its labels again.
    const key = `${method} ${route} ${status}`;
    let series = httpSeries.get(key);
    if (!series) {
      series = httpDuration.labels({ method, route, status: String(status) });
      httpSeries.set(key, series);
    }
    series.observe(ms / 1000);
  };
  return {
    registry,
    httpDuration,
    get messages() {
      return messages();
    },
    get hlsBytes() {
      return hlsBytes();
    },
    get ffmpegSpeed() {
      return ffmpegSpeed();
    },
    get webhookAttempts() {
      return webhookAttempts();
    },
    get edgeAuthFailures() {
      return edgeAuthFailures();
    },
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read());
        },
      });
    },
    startHttpTimer(method) {
      const started = performance.now();
      return (route, status) => observeHttp(method, route, status, performance.now() - started);
    },
    observeHttp,
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** Answers `GET /metrics` on a plain Node HTTP server; returns false for any other request. */
export function serveMetrics(metrics: Metrics, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  metrics.render().then(
    (body) => {
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    (err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal_error', message: `metrics failed: ${String(err)}` } }));
    },
  );
  return true;
}

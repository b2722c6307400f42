// Operator endpoints and series of the edge: readiness that drains, /metrics, HLS latency and bytes by route.
import { serveMetrics, type Metrics } from '@beamline/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** A route pattern for a request path, so playback and recording ids never become label values. */
export function hlsRoute(path: string): string {
  const parts = path.split('/');
  const top = parts[1];
  if (top === 'hls' || top === 'vod') {
    const rest = parts.slice(3);
    const base = `/${top}/:id`;
    if (rest.length === 1) return `${base}/${rest[0]!.endsWith('.m3u8') ? rest[0] : ':file'}`;
    if (rest.length === 2) return `${base}/:variant/${rest[1]!.endsWith('.m3u8') ? rest[1] : ':segment'}`;
    return `${base}/*`;
  }
  if (top === 'internal') return '/internal/*';
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return path;
  return 'unmatched';
}

export interface EdgeOps {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Times every request of the server and counts the HLS bytes it sends. */
  instrument(server: Server): void;
  drain(): void;
}

export function createEdgeOps(metrics: Metrics | undefined): EdgeOps {
  let draining = false;
  return {
    handle(req, res) {
      if (metrics && serveMetrics(metrics, req, res)) return true;
      if ((req.url ?? '/').split('?')[0] !== '/readyz') return false;
      res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(
        JSON.stringify(
          draining ? { error: { code: 'shutting_down', message: 'This edge is shutting down.' } } : { status: 'ready' },
        ),
      );
      return true;
    },
    instrument(server) {
      if (!metrics) return;
      server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
        const done = metrics.startHttpTimer(req.method ?? 'GET');
        // Bytes handed to the socket for this response (headers set inline by writeHead are not readable back).
        const sentBefore = req.socket.bytesWritten;
        res.once('finish', () => {
          const route = hlsRoute((req.url ?? '/').split('?')[0]!);
          done(route, res.statusCode);
          const kind = route.startsWith('/hls/') ? 'live' : route.startsWith('/vod/') ? 'vod' : null;
          const sent = req.socket.bytesWritten - sentBefore;
          if (kind && req.method === 'GET' && res.statusCode < 300 && sent > 0) metrics.hlsBytes.inc({ kind }, sent);
        });
      });
    },
    drain() {
      draining = true;
    },
  };
}

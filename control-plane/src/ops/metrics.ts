// HTTP metrics of the control plane: a latency histogram by route pattern and status, and the /metrics answer.
import type { Metrics } from '@beamline/core';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';

/** The pattern of the handler that answered (`/v1/apps/:appId/streams`), so ids never become label values. */
export function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]!;
    if (r.method !== 'ALL' && r.path !== '/*' && r.path !== '*') return r.path;
  }
  return 'unmatched';
}

export function metricsRoute(metrics: Metrics): MiddlewareHandler {
  return async (c) =>
    c.body(await metrics.render(), 200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
}

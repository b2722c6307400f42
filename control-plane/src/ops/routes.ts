// Operator endpoints of the control plane: /metrics (Prometheus) and the public status page.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Metrics } from '@beamline/core';
import type { RouteModule } from '../http/app';
import type { HttpEnv } from '../http/env';
import { metricsRoute } from './metrics';
import { renderStatusPage } from './page';
import { STATUS_INCIDENTS, type StatusMonitor } from './status';

export function opsModule(opts: { metrics?: Metrics; status: StatusMonitor; refreshSeconds: number }): RouteModule {
  const app = new OpenAPIHono<HttpEnv>();
  if (opts.metrics) app.get('/metrics', metricsRoute(opts.metrics));
  app.get('/status', async (c) => {
    c.header('cache-control', 'no-store');
    return c.html(renderStatusPage(await opts.status.report(), opts.refreshSeconds));
  });
  app.get('/status.json', async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await opts.status.report());
  });
  return { routes: app };
}

export { STATUS_INCIDENTS };

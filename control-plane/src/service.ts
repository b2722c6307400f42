// The control plane service: HTTP API over the store, started and stopped by a composition root.
import { serve, type ServerType } from '@hono/node-server';
import type { ControlPlaneDeps } from './deps';
import { buildHttpApp, type RouteModule } from './http/app';
import { CONTROL_PLANE_INDEXES } from './repos';

export interface ControlPlane {
  http: ReturnType<typeof buildHttpApp>;
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

export async function createControlPlane(deps: ControlPlaneDeps, modules: RouteModule[] = []): Promise<ControlPlane> {
  await deps.store.ensureIndexes(CONTROL_PLANE_INDEXES);
  const http = buildHttpApp(deps, modules);
  let server: ServerType | undefined;
  return {
    http,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server = serve({ fetch: http.app.fetch, port, hostname: host }, (info) => resolve({ port: info.port }));
        server.once('error', reject);
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}

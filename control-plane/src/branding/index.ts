// The branding feature as the control plane registers it: its API, and the dashboard/player page server it brands.
import { BRANDING, BRANDING_RECORD_INDEXES, type IndexSpec } from '@beamline/core';
import type { ControlPlaneDeps } from '../deps';
import { dashboardApiRoutes } from '../dashboard/routes';
import { dashboardRoutes } from '../dashboard/serve';
import type { RouteModule } from '../http/app';
import { DOMAIN_INDEXES, DOMAINS_COLLECTION } from './domains';
import { pageBranding } from './page';
import { brandingRoutes, brandingServices, type BrandingOptions } from './routes';

export const BRANDING_INDEXES: IndexSpec[] = [...BRANDING_RECORD_INDEXES, ...DOMAIN_INDEXES];

export function brandingModules(
  deps: ControlPlaneDeps,
  opts: BrandingOptions & { distDir?: string } = {},
): RouteModule[] {
  const services = brandingServices(deps, opts);
  return [
    {
      routes: brandingRoutes(deps, { ...opts, storage: services.storage }),
      tenantCollections: [BRANDING, DOMAINS_COLLECTION],
    },
    { routes: dashboardApiRoutes(deps) },
    {
      routes: dashboardRoutes(deps, {
        distDir: opts.distDir,
        branding: pageBranding(deps.store, services, () => deps.clock.now()),
      }),
    },
  ];
}

// The branding feature as the control plane registers it: its API, and the dashboard/player page server it brands.
import type { IndexSpec } from '@beamline/core';
import type { ControlPlaneDeps } from '../deps';
import { dashboardApiRoutes } from '../dashboard/routes';
import { dashboardRoutes } from '../dashboard/serve';
import type { RouteModule } from '../http/app';
import { pageBranding } from './page';
import { brandingRoutes, brandingServices, type BrandingOptions } from './routes';

export const BRANDING_INDEXES: IndexSpec[] = [
  { collection: 'branding', fields: ['appId'], unique: true },
  { collection: 'custom_domains', fields: ['appId'] },
  { collection: 'custom_domains', fields: ['verifiedHostname'], unique: true, sparse: true },
];

export function brandingModules(
  deps: ControlPlaneDeps,
  opts: BrandingOptions & { distDir?: string } = {},
): RouteModule[] {
  deps.store
    .ensureIndexes(BRANDING_INDEXES)
    .catch((err: unknown) => deps.log.error({ err }, 'branding indexes could not be created'));
  const services = brandingServices(deps, opts);
  return [
    {
      routes: brandingRoutes(deps, { ...opts, storage: services.storage }),
      tenantCollections: ['branding', 'custom_domains'],
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

// The usage, analytics and billing feature of the control plane: its routes and tenant collections.
import { analyticsRoutes } from '../analytics/routes';
import type { ControlPlaneDeps } from '../deps';
import type { RouteModule } from '../http/app';
import { usageRoutes } from './routes';
import { USAGE_TENANT_COLLECTIONS } from './service';

export { USAGE_INDEXES, type UsageService } from './service';

export function usageModules(deps: ControlPlaneDeps): RouteModule[] {
  return [{ routes: analyticsRoutes(), tenantCollections: USAGE_TENANT_COLLECTIONS }, { routes: usageRoutes(deps) }];
}

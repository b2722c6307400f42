// Data rights as a feature module: it reaches every tenant collection the other modules declare.
import type { ControlPlaneDeps } from '../deps';
import type { RouteModule } from '../http/app';
import { privacyRoutes } from './routes';

export { eraseApp } from './apps';
export { recordDataRequest } from './records';

export function privacyModule(deps: ControlPlaneDeps, modules: readonly RouteModule[]): RouteModule {
  const collections = () => [...new Set(modules.flatMap((m) => m.tenantCollections ?? []))];
  return { routes: privacyRoutes(deps, collections) };
}

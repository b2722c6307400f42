// The streams feature of the control plane: public routes, the internal edge API, and its tenant collections.
import type { ControlPlaneDeps } from '../deps';
import type { RouteModule } from '../http/app';
import { edgeRoutes } from './edge-routes';
import { STREAM_COLLECTIONS } from './repo';
import { streamRoutes } from './routes';

export function streamModules(deps: ControlPlaneDeps): RouteModule[] {
  return [{ routes: streamRoutes(deps), tenantCollections: STREAM_COLLECTIONS }, { routes: edgeRoutes(deps) }];
}

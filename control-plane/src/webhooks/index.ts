// Webhooks: endpoint routes for modules.ts, the dispatcher for the service, the collections they share.
import type { ControlPlaneDeps } from '../deps';
import type { RouteModule } from '../http/app';
import { webhookRoutes } from './routes';
import { WEBHOOK_TENANT_COLLECTIONS } from './store';

export { createDispatcher, type WebhookDispatcher } from './dispatcher';
export { WEBHOOK_INDEXES } from './store';

export function webhookModule(deps: ControlPlaneDeps): RouteModule {
  return { routes: webhookRoutes(deps), tenantCollections: WEBHOOK_TENANT_COLLECTIONS };
}

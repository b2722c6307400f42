// Every feature of the control plane that adds routes. A new feature adds one line here.
import { accountRoutes } from './accounts/routes';
import { auditRoutes } from './audit/routes';
import { brandingModules } from './branding';
import { chatModules } from './chat';
import type { ControlPlaneDeps } from './deps';
import type { RouteModule } from './http/app';
import { keyRoutes } from './keys/routes';
import { memberRoutes } from './members/routes';
import { privacyModule } from './privacy';
import { TENANT_COLLECTIONS } from './repos';
import { appSecurityRoutes } from './security/routes';
import { webhookModule } from './webhooks';
import { streamModules } from './streams';
import { usageModules } from './usage';

export function featureModules(deps: ControlPlaneDeps): RouteModule[] {
  const modules: RouteModule[] = [
    { routes: accountRoutes(deps) },
    { routes: keyRoutes(deps), tenantCollections: TENANT_COLLECTIONS },
    { routes: memberRoutes(deps) },
    { routes: auditRoutes() },
    webhookModule(deps),
    ...streamModules(deps),
    ...brandingModules(deps),
    ...chatModules(deps),
    ...usageModules(deps),
    { routes: appSecurityRoutes() },
  ];
  return [...modules, privacyModule(deps, modules)];
}

// Route definitions: the zod schema validates the request and writes the OpenAPI document.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { PermissionName } from '../permissions';
import { requireApp } from './auth';
import { ERROR_RESPONSES } from './schemas';

export const APP_SECURITY: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyAuth: [] }];

/** An app-scoped route: its permission is enforced by requireApp and written into the document. */
export function appRoute<const R extends RouteConfig>(permission: PermissionName, config: R) {
  return createRoute({
    ...config,
    'x-permission': permission,
    security: APP_SECURITY,
    middleware: [requireApp(permission)],
    responses: { ...ERROR_RESPONSES, ...config.responses },
  });
}

/** A route for a signed-in developer, outside any app. */
export function developerRoute<const R extends RouteConfig>(config: R) {
  return createRoute({
    security: [{ bearerAuth: [] }],
    ...config,
    responses: { ...ERROR_RESPONSES, ...config.responses },
  });
}

/** A route anyone may call (sign-up, log-in). */
export function publicRoute<const R extends RouteConfig>(config: R) {
  return createRoute({ ...config, security: [], responses: { ...ERROR_RESPONSES, ...config.responses } });
}

export const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true as const });
export const ok = <T>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

// HTTP transport of an app's security settings.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams } from '../http/schemas';
import { appSecurityOf, MAX_ALLOWED_ORIGINS, updateAppSecurity } from './app-security';

const AppSecuritySchema = z
  .object({
    requireTwoFactor: z
      .boolean()
      .openapi({ description: 'Members without two-factor authentication get 403 two_factor_required.' }),
    allowedOrigins: z.array(z.string()).openapi({
      description:
        "Browser origins allowed to call this app's API and to connect to its chat; empty: chat accepts any origin, the API only the dashboard's.",
      example: ['https://shop.example.com', 'https://*.example.com'],
    }),
    allowNonExpiringUserTokens: z.boolean().openapi({
      description:
        'Whether chat accepts user tokens without an expiry (exp). Off by default: a leaked token without exp works until the signing key is revoked.',
    }),
  })
  .openapi('AppSecurity');

const tags = ['Apps'];

export function appSecurityRoutes() {
  const app = new OpenAPIHono<HttpEnv>();
  app.openapi(
    appRoute('security.read', {
      method: 'get',
      path: '/v1/apps/{appId}/security',
      operationId: 'getAppSecurity',
      summary: "The app's security settings",
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('Settings', AppSecuritySchema) },
    }),
    (c) => c.json(appSecurityOf(c.get('app')!), 200),
  );
  app.openapi(
    appRoute('security.write', {
      method: 'patch',
      path: '/v1/apps/{appId}/security',
      operationId: 'updateAppSecurity',
      summary:
        'Require two-factor authentication of members, set allowed browser origins, allow user tokens without expiry',
      description: 'Owners only; every change is in the audit log.',
      tags,
      request: {
        params: AppIdParams,
        body: json(
          z.strictObject({
            requireTwoFactor: z.boolean().optional(),
            allowedOrigins: z.array(z.string().max(300)).max(MAX_ALLOWED_ORIGINS).optional(),
            allowNonExpiringUserTokens: z.boolean().optional(),
          }),
        ),
      },
      responses: { 200: ok('Settings', AppSecuritySchema) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      // The audit entry names the settings the call changed.
      const changed = Object.keys(input).sort().join(',');
      if (changed) c.set('auditTarget', changed);
      return c.json(await updateAppSecurity(appCtxOf(c), input), 200);
    },
  );
  return app;
}

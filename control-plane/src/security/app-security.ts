// An app's security settings: two-factor authentication required of its members, allowed browser origins, and
// whether realtime accepts user tokens that never expire.
import type { AppCtx } from '../context';
import { Conflict, Invalid, NotFound } from '../errors';
import type { AppDoc } from '../repos';
import { normaliseOriginEntry } from '@beamline/core';

export const MAX_ALLOWED_ORIGINS = 50;

export interface AppSecurity {
  requireTwoFactor: boolean;
  allowedOrigins: string[];
  allowNonExpiringUserTokens: boolean;
}

export const appSecurityOf = (app: AppDoc): AppSecurity => ({
  requireTwoFactor: app.requireTwoFactor ?? false,
  allowedOrigins: app.allowedOrigins ?? [],
  allowNonExpiringUserTokens: app.allowNonExpiringUserTokens ?? false,
});

export function parseAllowedOrigins(entries: readonly string[]): string[] {
  const bad = entries.filter((e) => normaliseOriginEntry(e) === null);
  if (bad.length)
    throw Invalid(
      'invalid_origin',
      'Each allowed origin is scheme://host[:port] (https://*.example.com for subdomains), without a path.',
      bad.map((value) => ({ path: 'allowedOrigins', message: `not an origin: ${value.slice(0, 200)}` })),
    );
  return [...new Set(entries.map((e) => normaliseOriginEntry(e)!))];
}

export async function updateAppSecurity(
  ctx: AppCtx,
  input: {
    requireTwoFactor?: boolean | undefined;
    allowedOrigins?: string[] | undefined;
    allowNonExpiringUserTokens?: boolean | undefined;
  },
): Promise<AppSecurity> {
  const origins = input.allowedOrigins ? parseAllowedOrigins(input.allowedOrigins) : undefined;
  if (input.requireTwoFactor && ctx.actor.type === 'developer') {
    // The owner who turns the rule on must pass it, or the app would lock them out.
    const me = await ctx.repos.users.findOne({ id: ctx.actor.userId });
    if (!me?.twoFactor?.enabledAt)
      throw Conflict(
        'two_factor_not_enabled',
        'Turn on two-factor authentication for your own account before requiring it of the team.',
      );
  }
  const app = await ctx.repos.apps.updateOne(
    { id: ctx.appId },
    {
      set: {
        ...(input.requireTwoFactor !== undefined ? { requireTwoFactor: input.requireTwoFactor } : {}),
        ...(origins ? { allowedOrigins: origins } : {}),
        ...(input.allowNonExpiringUserTokens !== undefined
          ? { allowNonExpiringUserTokens: input.allowNonExpiringUserTokens }
          : {}),
        updatedAt: ctx.clock.now().toISOString(),
      },
    },
  );
  await ctx.access.changed(ctx.appId);
  if (!app) throw NotFound('app_not_found', 'The app no longer exists.');
  return appSecurityOf(app);
}

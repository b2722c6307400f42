// Who is calling: a developer (bearer access token) or a developer's backend (Basic API key).
import { safeEqual } from '@beamline/core';
import type { Context, MiddlewareHandler } from 'hono';
import type { Actor, AppCtx, Ctx } from '../context';
import { Forbidden, NotFound, Unauthorized } from '../errors';
import { PERMISSIONS, roleMay, type PermissionName } from '../permissions';
import type { HttpEnv } from './env';

function decodeBasic(value: string): [string, string] | null {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? [decoded.slice(0, colon), decoded.slice(colon + 1)] : null;
}

/** Sets the request's actor from its Authorization header, if it has one; a bad credential is a 401. */
export async function authenticate(c: Context<HttpEnv>): Promise<Actor | undefined> {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const actor = await resolveActor(c, header);
  c.set('actor', actor);
  return actor;
}

async function resolveActor(c: Context<HttpEnv>, header: string): Promise<Actor> {
  const [scheme, value] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer' && value) {
    const { userId } = await c.get('sessions').verify(value);
    return { type: 'developer', userId };
  }
  if (scheme?.toLowerCase() === 'basic' && value) {
    const pair = decodeBasic(value);
    if (pair) {
      const key = await c.get('access').apiKey(pair[0]);
      if (key && key.secrets.some((s) => safeEqual(s, pair[1])))
        return { type: 'apiKey', keyId: key.id, appId: key.appId };
    }
    throw Unauthorized('invalid_api_key', 'The API key or secret is not valid, or the key was revoked.');
  }
  throw Unauthorized('unauthorized', 'Use "Authorization: Bearer <access token>" or "Basic base64(key:secret)".');
}

export function requireActor(c: Context<HttpEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw Unauthorized('unauthorized', 'This route needs credentials.');
  return actor;
}

export function requireDeveloper(c: Context<HttpEnv>): string {
  const actor = requireActor(c);
  if (actor.type !== 'developer') throw Forbidden('forbidden', 'This route is for developer accounts, not API keys.');
  return actor.userId;
}

const appHidden = (appId: string) => NotFound('app_not_found', `No app ${appId} is visible to these credentials.`);

/**
 * Gate of every app-scoped route: the app must be visible to the caller (else 404, never a hint
 * that it exists), and the caller's role or key must hold the route's permission (else 403).
 */
export function requireApp(permission: PermissionName): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const actor = requireActor(c);
    const repos = c.get('repos');
    const access = c.get('access');
    const appId = c.req.param('appId') ?? '';
    if (actor.type === 'apiKey' && actor.appId !== appId) throw appHidden(appId);
    const [app, member] = await Promise.all([
      access.app(appId),
      actor.type === 'developer' ? access.member(appId, actor.userId) : null,
    ]);
    if (!app) throw appHidden(appId);
    if (actor.type === 'developer') {
      if (!member) throw appHidden(appId);
      if (!roleMay(member.role, permission)) {
        throw Forbidden('forbidden', `The ${member.role} role may not do this (${permission}).`);
      }
      if (app.requireTwoFactor && !(await repos.users.findOne({ id: actor.userId }))?.twoFactor?.enabledAt) {
        throw Forbidden(
          'two_factor_required',
          'This app requires two-factor authentication; turn it on for your account first.',
        );
      }
      c.set('role', member.role);
      c.set('actor', { ...actor, role: member.role });
    } else if (actor.type === 'apiKey') {
      if (!PERMISSIONS[permission].apiKey)
        throw Forbidden('forbidden', `API keys may not do this (${permission}); sign in.`);
      if (app.status === 'archived') throw Forbidden('app_archived', 'This app is archived; its API keys do not work.');
    } else {
      throw Forbidden('forbidden', 'Not allowed.');
    }
    c.set('app', app);
    await next();
  };
}

export function ctxOf(c: Context<HttpEnv>): Ctx {
  const deps = c.get('deps');
  return {
    actor: c.get('actor') ?? { type: 'system' },
    repos: c.get('repos'),
    store: deps.store,
    bus: deps.bus,
    events: deps.events,
    clock: deps.clock,
    log: c.get('log'),
    access: c.get('access'),
  };
}

export function appCtxOf(c: Context<HttpEnv>): AppCtx {
  const app = c.get('app');
  if (!app) throw new Error('appCtxOf used on a route without requireApp');
  return Object.assign(ctxOf(c), { appId: app.id });
}

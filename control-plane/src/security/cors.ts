// Strict CORS for the API: the dashboard's origins reach everything, an app's allowed origins reach that app.
import type { Context } from 'hono';
import type { ControlPlaneDeps } from '../deps';
import { Forbidden } from '../errors';
import type { HttpEnv } from '../http/env';
import { errorBody } from '../http/errors';
import { originAllowed } from '@beamline/core';

const APP_PATH = /^\/v1\/apps\/([A-Za-z0-9_-]{1,64})(?:\/|$)/;
const ALLOWED_METHODS = 'GET,HEAD,POST,PUT,PATCH,DELETE';
const EXPOSED = 'X-Request-Id,Retry-After';
const HEADER_LIST = /^[A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*$/;

/** Origins trusted with the whole API: where the dashboard runs. */
export function dashboardOrigins(deps: ControlPlaneDeps): string[] {
  const extra = (deps.config.DASHBOARD_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
  return [new URL(deps.config.PUBLIC_BASE_URL).origin, ...extra];
}

/**
 * Decides each cross-origin call by its Origin header:
 * - the request's own origin (the dashboard, a custom domain) and the dashboard origins: allowed;
 * - `/v1/apps/{appId}/…`: allowed from the app's allowedOrigins;
 * - a read without credentials (public branding assets): allowed from anywhere, nothing private is readable;
 * - anything else: no CORS headers, and 403 origin_not_allowed, so a refused call has no effect either.
 * Requests without an Origin header (servers, SDKs, curl) pass untouched.
 * Resolves with the answer to a preflight, or undefined when the call goes on (with its CORS headers set).
 */
export function apiCors(deps: ControlPlaneDeps): (c: Context<HttpEnv>) => Promise<Response | undefined> {
  const trusted = dashboardOrigins(deps);
  return async (c) => {
    const origin = c.req.header('origin');
    if (!origin) return undefined;
    c.header('Vary', 'Origin', { append: true });
    const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
    const method = preflight ? c.req.header('access-control-request-method')!.toUpperCase() : c.req.method;
    const wantedHeaders = preflight ? (c.req.header('access-control-request-headers') ?? '') : '';
    const credentialed = preflight
      ? /(^|,)\s*authorization\s*(,|$)/i.test(wantedHeaders)
      : c.req.header('authorization') !== undefined;

    let allowed =
      origin.toLowerCase() ===
      selfOrigin(c.req.url, deps, c.req.header('x-forwarded-proto'), c.req.header('x-forwarded-host')).toLowerCase();
    allowed ||= originAllowed(origin, trusted);
    allowed ||= !credentialed && (method === 'GET' || method === 'HEAD');
    const appId = APP_PATH.exec(c.req.path)?.[1];
    if (!allowed && appId) {
      const app = await c.get('repos').apps.findOne({ id: appId });
      allowed = Boolean(app?.allowedOrigins?.length && originAllowed(origin, app.allowedOrigins));
    }

    if (!allowed) {
      const message = `Browser calls from ${origin.slice(0, 200)} are not allowed here; add the origin to the app's allowed origins.`;
      if (preflight) return c.json(errorBody(c, 'origin_not_allowed', message), 403);
      throw Forbidden('origin_not_allowed', message);
    }
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', EXPOSED);
    if (preflight) {
      c.header('Access-Control-Allow-Methods', ALLOWED_METHODS);
      if (wantedHeaders && HEADER_LIST.test(wantedHeaders) && wantedHeaders.length <= 500)
        c.header('Access-Control-Allow-Headers', wantedHeaders);
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    return undefined;
  };
}

/** The origin the request was sent to; behind a trusted proxy, as the proxy forwards it (TLS ends there). */
function selfOrigin(url: string, deps: ControlPlaneDeps, proto?: string, host?: string): string {
  const own = new URL(url);
  if (!deps.config.TRUST_PROXY) return own.origin;
  const first = (v?: string) => v?.split(',')[0]?.trim() || undefined;
  return `${first(proto) ?? own.protocol.slice(0, -1)}://${first(host) ?? own.host}`;
}

// Guest identities of the hosted player page: issued by the server, bound to the browser by a signed HttpOnly
// cookie, the same guest in every tab (so a ban or mute holds), and new ones rate-limited per address and stream.
import { createHmac, randomBytes } from 'node:crypto';
import { createRateLimit, type RateLimit } from '@beamline/core';
import type { Context } from 'hono';
import { getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { ControlPlaneDeps } from '../deps';
import { RateLimited } from '../errors';
import type { HttpEnv } from '../http/env';

export const GUEST_COOKIE = 'beamline_guest';
const COOKIE_PATH = '/v1/watch';
const COOKIE_MAX_AGE_SECONDS = 365 * 86_400;
const BROWSER_ID = /^gb_[0-9a-f]{32}$/;

export interface GuestIdentities {
  /** The guest id of this browser in this app: from its cookie, or a new one (counted against the limits). */
  guestFor(c: Context<HttpEnv>, appId: string, streamId: string): Promise<{ userId: string; isNew: boolean }>;
}

export function guestIdentities(deps: Pick<ControlPlaneDeps, 'config' | 'redis'>): GuestIdentities {
  const { config } = deps;
  // Keys of their own, derived from the platform's JWT secret: one signs the cookie, one derives per-app ids.
  const derive = (purpose: string) => createHmac('sha256', config.JWT_SECRET).update(purpose).digest();
  const cookieKey = derive('beamline guest cookie');
  const idKey = derive('beamline guest id');
  const perIp: RateLimit = createRateLimit({
    name: 'guest-ip',
    points: config.GUEST_IDENTITIES_PER_IP_PER_HOUR,
    durationSeconds: 3600,
    redis: deps.redis,
  });
  const perStream: RateLimit = createRateLimit({
    name: 'guest-stream',
    points: config.GUEST_IDENTITIES_PER_STREAM_PER_MINUTE,
    durationSeconds: 60,
    redis: deps.redis,
  });
  // Behind a proxy that ends TLS the request is plain http: PUBLIC_BASE_URL says how browsers reach the platform.
  const secure = (c: Context<HttpEnv>) =>
    config.PUBLIC_BASE_URL.startsWith('https:') || new URL(c.req.url).protocol === 'https:';
  // The browser's id never leaves the cookie: each app sees its own guest id, so apps cannot link viewers.
  const userIdOf = (browserId: string, appId: string) =>
    `guest_${createHmac('sha256', idKey).update(`${appId}:${browserId}`).digest('hex').slice(0, 24)}`;

  return {
    async guestFor(c, appId, streamId) {
      const kept = await getSignedCookie(c, cookieKey, GUEST_COOKIE);
      if (typeof kept === 'string' && BROWSER_ID.test(kept)) return { userId: userIdOf(kept, appId), isNew: false };
      const wait = (await perIp.consume(c.get('ip'))) ?? (await perStream.consume(streamId));
      if (wait)
        throw new RateLimited(
          wait,
          'Too many new guests from this address or on this stream; try again later.',
          'guest_identity_rate_limited',
        );
      const browserId = `gb_${randomBytes(16).toString('hex')}`;
      await setSignedCookie(c, GUEST_COOKIE, browserId, cookieKey, {
        path: COOKIE_PATH,
        httpOnly: true,
        sameSite: 'Lax',
        secure: secure(c),
        maxAge: COOKIE_MAX_AGE_SECONDS,
      });
      return { userId: userIdOf(browserId, appId), isNew: true };
    },
  };
}

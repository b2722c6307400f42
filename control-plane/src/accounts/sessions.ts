// Developer access tokens: signed with the session they belong to, and refused once that session ended.
import { createSharedCache, hmacKey } from '@beamline/core';
import jwt from 'jsonwebtoken';
import type { ControlPlaneDeps } from '../deps';
import { Unauthorized } from '../errors';
import { createRepos, type Repos } from '../repos';

/** Bus topic on which a node tells the others that sessions of a user ended. */
export const SESSIONS_TOPIC = 'sessions';

/**
 * How long a node trusts its last look at a session without asking the store again. Revocations reach the
 * other nodes through the bus at once; this bounds the wait when a bus message is lost (Redis reconnecting).
 */
export const SESSION_CHECK_TTL_MS = 2_000;
const MAX_CACHED = 50_000;

export interface AccessClaims {
  sub: string;
  typ: 'access';
  /** The session: the refresh-token family of the log-in that issued the token. */
  sid: string;
}

export function signAccessToken(secret: string, userId: string, sessionId: string, ttlSeconds: number): string {
  return jwt.sign({ typ: 'access', sid: sessionId }, hmacKey(secret), {
    subject: userId,
    expiresIn: ttlSeconds,
    algorithm: 'HS256',
    issuer: 'beamline',
  });
}

/** Whether a session is still open: its refresh tokens exist (the account does) and none was revoked. */
export async function sessionOpen(repos: Repos, userId: string, sessionId: string): Promise<boolean> {
  const [any, revoked] = await Promise.all([
    repos.refreshTokens.findOne({ family: sessionId, userId }),
    repos.refreshTokens.findOne({ family: sessionId, revokedAt: { $exists: true } }),
  ]);
  return any !== null && revoked === null;
}

export interface SessionGate {
  /** The developer of a valid access token whose session is open; else an Unauthorized error. */
  verify(token: string): Promise<{ userId: string; sessionId: string }>;
  /** After the store records that sessions of `userId` ended: forget them here and tell every other node. */
  ended(userId: string): Promise<void>;
  /** Listens to the other nodes' revocations. */
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Verified {
  secret: string;
  userId: string;
  sessionId: string;
  exp: number;
}

/** Drops the oldest entry of a map used as a bounded cache. */
function bound<K, V>(map: Map<K, V>): void {
  if (map.size >= MAX_CACHED) map.delete(map.keys().next().value!);
}

/**
 * One per node. A token's signature is checked once; whether its session is open is asked of the store at
 * most every SESSION_CHECK_TTL_MS per session, and at once after a revocation heard here or on the bus.
 */
export function createSessionGate(
  deps: Pick<ControlPlaneDeps, 'config' | 'store' | 'bus' | 'clock' | 'log'>,
): SessionGate {
  const secret = deps.config.JWT_SECRET;
  const repos = createRepos(deps.store);
  const verified = new Map<string, Verified>();
  // Whether a session is open, by `${userId} ${sessionId}`; the user's id forgets all their sessions at once.
  const checks = createSharedCache<boolean>({
    name: 'sessions',
    topic: SESSIONS_TOPIC,
    bus: deps.bus,
    clock: deps.clock,
    ttlMs: SESSION_CHECK_TTL_MS,
    max: MAX_CACHED,
    tagsOf: (_open, key) => [key.split(' ')[0]!],
    log: deps.log,
  });

  const readToken = (token: string): Verified => {
    const hit = verified.get(token);
    if (hit && hit.secret === secret && hit.exp * 1000 > Date.now()) return hit;
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, hmacKey(secret), { algorithms: ['HS256'], issuer: 'beamline' }) as jwt.JwtPayload;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError)
        throw Unauthorized('token_expired', 'The access token has expired; refresh it.');
      throw Unauthorized('unauthorized', 'The access token is not valid.');
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string')
      throw Unauthorized('unauthorized', 'Not an access token.');
    // Tokens from before sessions were named cannot be revoked: the client refreshes into a new one.
    if (typeof claims.sid !== 'string')
      throw Unauthorized('token_expired', 'The access token is outdated; refresh it.');
    const entry = { secret, userId: claims.sub, sessionId: claims.sid, exp: claims.exp ?? 0 };
    bound(verified);
    verified.set(token, entry);
    return entry;
  };

  // A failed look-up is not remembered: the next request asks again.
  const open = (userId: string, sessionId: string) =>
    checks.get(`${userId} ${sessionId}`, () => sessionOpen(repos, userId, sessionId));

  return {
    async verify(token) {
      const { userId, sessionId } = readToken(token);
      if (!(await open(userId, sessionId)))
        throw Unauthorized('session_ended', 'This session was signed out or the password changed; log in again.');
      return { userId, sessionId };
    },
    ended: (userId) => checks.forget({ tags: [userId] }),
    start: () => checks.start(),
    close: () => checks.close(),
  };
}

// The handshake: a user token (HS256, signed with one of the app's API secrets) names the app and the user.
import { findActiveApiKey, hmacKey, originAllowed, type DocumentStore, type SecretBox } from '@beamline/core';
import { USER_ROLES, type UserRole } from '@beamline/protocol';
import jwt from 'jsonwebtoken';
import { ChatError } from './errors';

export interface SocketUser {
  appId: string;
  keyId: string;
  userId: string;
  role: UserRole;
  name?: string;
  image?: string;
  /** Seconds since the epoch; the connection is closed then. */
  exp?: number;
}

const refuse = (code: string, message: string) => new ChatError('unauthorized', code, message);
const ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

export async function authenticateUser(
  deps: { store: DocumentStore; secretBox: SecretBox; now(): Date },
  token: unknown,
  /** The browser's Origin header, checked against the app's allowed origins when it has any. */
  origin?: string,
): Promise<SocketUser> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
    throw refuse('unauthorized', 'Connect with auth: { token } (a user token).');
  }
  const unverified = jwt.decode(token, { json: true });
  if (!unverified || typeof unverified.app !== 'string') throw refuse('unauthorized', 'Not a user token.');
  const key = await findActiveApiKey(deps.store, deps.secretBox, unverified.app, deps.now());
  if (!key) throw refuse('invalid_api_key', 'The API key of this token is unknown or revoked.');
  let claims: jwt.JwtPayload | undefined;
  let expired = false;
  for (const secret of key.secrets) {
    try {
      claims = jwt.verify(token, hmacKey(secret), {
        algorithms: ['HS256'],
        clockTimestamp: Math.floor(deps.now().getTime() / 1000),
      }) as jwt.JwtPayload;
      break;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) expired = true;
    }
  }
  if (!claims) {
    if (expired) throw refuse('token_expired', 'The user token has expired.');
    throw refuse('unauthorized', 'The user token is not signed by this app.');
  }
  if (typeof claims.sub !== 'string' || !ID.test(claims.sub)) {
    throw refuse('unauthorized', 'The user token needs a sub claim (1-128 of A-Z a-z 0-9 _ . : @ -).');
  }
  const role = claims.role ?? 'user';
  if (!(USER_ROLES as readonly unknown[]).includes(role)) throw refuse('unauthorized', `Unknown role ${String(role)}.`);
  const app = await deps.store
    .collection<{ id: string; status?: string; allowedOrigins?: string[] }>('apps')
    .findOne({ id: key.appId });
  if (!app) throw refuse('invalid_api_key', 'The app of this token no longer exists.');
  if (app.status === 'archived') throw refuse('app_archived', 'The app is archived.');
  if (origin && app.allowedOrigins?.length && !originAllowed(origin, app.allowedOrigins)) {
    throw new ChatError(
      'forbidden',
      'origin_not_allowed',
      `The app does not allow connections from ${origin.slice(0, 200)}.`,
    );
  }
  return {
    appId: key.appId,
    keyId: key.id,
    userId: claims.sub,
    role: role as UserRole,
    ...(typeof claims.name === 'string' ? { name: claims.name.slice(0, 100) } : {}),
    ...(typeof claims.image === 'string' ? { image: claims.image.slice(0, 500) } : {}),
    ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
  };
}

/** Signs a user token (tests, the control plane's token endpoint, the SDK's server helper do the same). */
export function signUserToken(
  secret: string,
  claims: { sub: string; app: string; role?: UserRole; name?: string; image?: string },
  ttlSeconds: number,
): string {
  return jwt.sign(claims, hmacKey(secret), { algorithm: 'HS256', expiresIn: ttlSeconds });
}

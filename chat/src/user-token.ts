// User tokens (HS256, signed with one of the app's API secrets) name the app and the end user: realtime's handshake
// and the control plane's upload route verify them here.
import {
  appsCollection,
  findActiveApiKey,
  hmacKey,
  originAllowed,
  type DocumentStore,
  type SecretBox,
} from '@beamline/core';
import {
  USER_ROLES,
  type ChatErrorCode,
  type GuestChatMode,
  type UserRole,
  type UserTokenClaims,
} from '@beamline/protocol';
import jwt from 'jsonwebtoken';
import { forbidden, unauthorized } from './errors';

export interface ChatUser {
  appId: string;
  keyId: string;
  userId: string;
  role: UserRole;
  /** A member's dashboard session (`scope: 'dashboard'`): it may follow the app's platform events. */
  dashboard?: true;
  /** A guest's one channel (the `channel` claim); other roles ignore the claim. */
  channel?: string;
  /** The guest chat mode of the guest's channel when it joined (typing follows it without a store read). */
  guestChat?: GuestChatMode;
  name?: string;
  image?: string;
  /** Seconds since the epoch; the connection is closed then. */
  exp?: number;
}

const refuse = (code: ChatErrorCode, message: string) => unauthorized(code, message);
const ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const CHANNEL_ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function authenticateUser(
  deps: { store: DocumentStore; secretBox: SecretBox; now(): Date },
  token: unknown,
  /** The browser's Origin header, checked against the app's allowed origins when it has any. */
  origin?: string,
): Promise<ChatUser> {
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
  if (claims.channel !== undefined && (typeof claims.channel !== 'string' || !CHANNEL_ID.test(claims.channel))) {
    throw refuse('unauthorized', 'The channel claim is a channel id (1-64 of A-Z a-z 0-9 _ -).');
  }
  if (claims.scope !== undefined && claims.scope !== 'dashboard') {
    throw refuse('unauthorized', `Unknown scope ${String(claims.scope).slice(0, 32)}.`);
  }
  const app = await appsCollection(deps.store).findOne({ id: key.appId });
  if (!app) throw refuse('invalid_api_key', 'The app of this token no longer exists.');
  if (app.status === 'archived') throw refuse('app_archived', 'The app is archived.');
  // A token without exp would be a credential for ever: only apps that chose so accept one.
  if (typeof claims.exp !== 'number' && app.allowNonExpiringUserTokens !== true) {
    throw refuse(
      'token_exp_required',
      'The user token needs an exp claim (this app refuses tokens that never expire).',
    );
  }
  if (origin && app.allowedOrigins?.length && !originAllowed(origin, app.allowedOrigins)) {
    throw forbidden('origin_not_allowed', `The app does not allow connections from ${origin.slice(0, 200)}.`);
  }
  return {
    appId: key.appId,
    keyId: key.id,
    userId: claims.sub,
    role: role as UserRole,
    ...(claims.scope === 'dashboard' ? { dashboard: true as const } : {}),
    ...(role === 'guest' && typeof claims.channel === 'string' ? { channel: claims.channel } : {}),
    ...(typeof claims.name === 'string' ? { name: claims.name.slice(0, 100) } : {}),
    ...(typeof claims.image === 'string' ? { image: claims.image.slice(0, 500) } : {}),
    ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
  };
}

/** Signs a user token (tests, the control plane's token endpoint, the SDK's server helper do the same). */
export function signUserToken(
  secret: string,
  claims: Pick<UserTokenClaims, 'sub' | 'app' | 'role' | 'scope' | 'channel' | 'name' | 'image'>,
  ttlSeconds: number,
): string {
  return jwt.sign(claims, hmacKey(secret), { algorithm: 'HS256', expiresIn: ttlSeconds });
}

// Who may upload a chat image: the app's API key or an editor (as for any chat.write route), or an end user
// with the same user token the realtime handshake takes, sent in the X-User-Token header.
import { authenticateUser, moderation, type ChatServices } from '@beamline/chat';
import type { Context, MiddlewareHandler } from 'hono';
import jwt from 'jsonwebtoken';
import { actorId } from '../context';
import type { ControlPlaneDeps } from '../deps';
import { Forbidden, NotFound } from '../errors';
import { requireApp } from '../http/auth';
import type { HttpEnv } from '../http/env';
import type { Uploader } from './uploads';

/**
 * The header of an end user's upload. Not Authorization: that header carries the API's own credentials (a
 * developer's access token or an API key), which every /v1 route checks before it runs.
 */
export const USER_TOKEN_HEADER = 'X-User-Token';

const viaUserToken = (c: Context<HttpEnv>) => !c.get('actor') && c.req.header(USER_TOKEN_HEADER) !== undefined;

/** The gate of the upload route: a user token when one is sent instead of credentials, else chat.write. */
export function requireUploader(): MiddlewareHandler<HttpEnv> {
  const app = requireApp('chat.write');
  return async (c, next) => (viaUserToken(c) ? next() : app(c, next));
}

/**
 * The uploader of a request that passed requireUploader. An end user's token is verified as realtime verifies it
 * (the app's API secrets, expiry, the app's allowed origins); it must belong to the app of the path (else the app
 * is not found, as for any other credential). Guest tokens of the player page are refused: a guest has no account
 * the owner can hold to account, so only end users the developer's backend signed in may upload. A user banned or
 * muted app-wide may not upload either.
 */
export async function uploaderOf(
  c: Context<HttpEnv>,
  deps: ControlPlaneDeps,
  chat: () => Promise<ChatServices>,
): Promise<Uploader> {
  const actor = c.get('actor');
  if (actor) return { actorId: actorId(actor) };
  const token = c.req.header(USER_TOKEN_HEADER)!;
  const appId = c.req.param('appId') ?? '';
  const user = await authenticateUser(
    { store: deps.store, secretBox: deps.secretBox, now: () => deps.clock.now() },
    token,
    c.req.header('origin'),
  );
  const app = user.appId === appId ? await c.get('repos').apps.findOne({ id: appId }) : null;
  if (!app) throw NotFound('app_not_found', `No app ${appId} is visible to these credentials.`);
  const claims = jwt.decode(token, { json: true });
  if (user.role === 'guest' || claims?.channel !== undefined) {
    throw Forbidden('guest_upload_forbidden', 'Guests may not upload images; sign the user in through your backend.');
  }
  // An upload is a write like a message: a user banned or muted app-wide may not (a shadow ban stays unseen).
  const { ban, mute } = await moderation.restrictionsFor(
    { appId, actor: { type: 'user', userId: user.userId, role: user.role }, chat: await chat() },
    user.userId,
  );
  if (ban && !ban.shadow) throw Forbidden('banned', 'You are banned from this app.');
  if (mute) throw Forbidden('muted', `You are muted until ${mute.until}.`);
  c.set('app', app);
  return { userId: user.userId };
}

// Developer accounts: register, log in, read the signed-in user.
import { DuplicateKeyError, hashPassword, verifyPassword, type RateLimit } from '@beamline/core';
import { newId } from '@beamline/protocol';
import type { Ctx } from '../context';
import { Conflict, NotFound, RateLimited, Unauthorized } from '../errors';
import type { UserDoc } from '../repos';
import { twoFactorChallenge } from './challenge';
import { issueSession, type SessionSettings } from './tokens';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
}

export const publicUser = (u: UserDoc): PublicUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  createdAt: u.createdAt,
  emailVerified: Boolean(u.emailVerifiedAt),
  twoFactorEnabled: Boolean(u.twoFactor?.enabledAt),
});

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export async function register(
  ctx: Ctx,
  s: SessionSettings,
  input: { email: string; password: string; name?: string | undefined },
) {
  const email = normaliseEmail(input.email);
  const user: UserDoc = {
    id: newId('user'),
    email,
    name: input.name ?? email.split('@')[0]!,
    passwordHash: await hashPassword(input.password),
    createdAt: ctx.clock.now().toISOString(),
  };
  try {
    await ctx.repos.users.insert(user);
  } catch (err) {
    if (err instanceof DuplicateKeyError)
      throw Conflict('email_taken', 'An account with that email exists; log in instead.');
    throw err;
  }
  return { user: publicUser(user), ...(await issueSession(ctx, s, user.id)) };
}

export interface LoginLimits {
  perAccount: RateLimit;
  perIp: RateLimit;
}

export async function login(
  ctx: Ctx,
  s: SessionSettings,
  limits: LoginLimits,
  input: { email: string; password: string; ip: string },
) {
  const email = normaliseEmail(input.email);
  const wait = (await limits.perAccount.blocked(email)) ?? (await limits.perIp.blocked(input.ip));
  if (wait) throw new RateLimited(wait, 'Too many failed log-ins; wait before trying again.');
  const user = await ctx.repos.users.findOne({ email });
  const good = user ? await verifyPassword(input.password, user.passwordHash) : false;
  if (!user || !good) {
    await Promise.all([limits.perAccount.consume(email), limits.perIp.consume(input.ip)]);
    throw Unauthorized('invalid_credentials', 'The email or password is wrong.');
  }
  await limits.perAccount.reset(email);
  // The password was right; with 2FA on, the session waits for the second step.
  if (user.twoFactor?.enabledAt) return twoFactorChallenge(s.jwtSecret, user.id);
  return { user: publicUser(user), ...(await issueSession(ctx, s, user.id)) };
}

export async function getMe(ctx: Ctx, userId: string) {
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user) throw NotFound('user_not_found', 'The account no longer exists.');
  return publicUser(user);
}

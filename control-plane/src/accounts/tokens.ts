// Sessions: a short-lived access JWT and a rotating refresh token; reusing a used refresh token revokes its family.
import { digest } from '@beamline/core';
import { newId, randomToken } from '@beamline/protocol';
import type { Ctx } from '../context';
import { Unauthorized } from '../errors';
import { signAccessToken } from './sessions';

export interface SessionSettings {
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export function sessionSettingsOf(config: {
  JWT_SECRET: string;
  ACCESS_TOKEN_TTL_SECONDS: number;
  REFRESH_TOKEN_TTL_SECONDS: number;
}): SessionSettings {
  return {
    jwtSecret: config.JWT_SECRET,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  };
}

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export async function issueSession(ctx: Ctx, s: SessionSettings, userId: string, family = newId('refreshToken')) {
  const id = newId('refreshToken');
  const secret = randomToken(40);
  const now = ctx.clock.now();
  await ctx.repos.refreshTokens.insert({
    id,
    userId,
    family,
    tokenDigest: digest(secret),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + s.refreshTtlSeconds * 1000).toISOString(),
  });
  return {
    accessToken: signAccessToken(s.jwtSecret, userId, family, s.accessTtlSeconds),
    refreshToken: `${id}.${secret}`,
    expiresIn: s.accessTtlSeconds,
  } satisfies SessionTokens;
}

async function findRefreshToken(ctx: Ctx, token: string) {
  const [id, secret] = token.split('.', 2);
  const invalid = Unauthorized('invalid_refresh_token', 'The refresh token is not valid; log in again.');
  if (!id || !secret) throw invalid;
  const doc = await ctx.repos.refreshTokens.findOne({ id });
  if (!doc || doc.tokenDigest !== digest(secret)) throw invalid;
  return doc;
}

export async function refreshSession(
  ctx: Ctx,
  s: SessionSettings,
  token: string,
  onRevoked: (userId: string) => Promise<void> = async () => {},
): Promise<SessionTokens> {
  const doc = await findRefreshToken(ctx, token);
  const now = ctx.clock.now().toISOString();
  // A revocation covers the whole family, also a token a concurrent refresh added after it.
  const familyRevoked = await ctx.repos.refreshTokens.findOne({ family: doc.family, revokedAt: { $exists: true } });
  if (doc.revokedAt || familyRevoked || doc.expiresAt <= now) {
    throw Unauthorized('invalid_refresh_token', 'The refresh token has expired or was revoked; log in again.');
  }
  // Claim the token atomically: of two concurrent uses, only one finds usedAt unset.
  const claimed = await ctx.repos.refreshTokens.updateOne(
    { id: doc.id, usedAt: { $exists: false } },
    { set: { usedAt: now } },
  );
  if (!claimed) {
    await ctx.repos.refreshTokens.updateMany({ family: doc.family }, { set: { revokedAt: now } });
    ctx.log.warn({ userId: doc.userId, family: doc.family }, 'refresh token reused; family revoked');
    await onRevoked(doc.userId);
    throw Unauthorized(
      'refresh_token_reused',
      'This refresh token was already used; every session of this login was revoked.',
    );
  }
  return issueSession(ctx, s, doc.userId, doc.family);
}

/** Ends the session of a refresh token; resolves with its developer's id. */
export async function revokeSession(ctx: Ctx, token: string): Promise<{ userId: string }> {
  const doc = await findRefreshToken(ctx, token);
  await ctx.repos.refreshTokens.updateMany(
    { family: doc.family },
    { set: { revokedAt: ctx.clock.now().toISOString() } },
  );
  return { userId: doc.userId };
}

/** Ends every session of a developer (sign out everywhere, a new password, 2FA turned off). */
export async function revokeAllSessions(ctx: Ctx, userId: string): Promise<void> {
  await ctx.repos.refreshTokens.updateMany(
    { userId, revokedAt: { $exists: false } },
    { set: { revokedAt: ctx.clock.now().toISOString() } },
  );
}

/** Ends every session of a developer and opens a new one for the caller who made the change. */
export async function renewSessions(ctx: Ctx, s: SessionSettings, userId: string): Promise<SessionTokens> {
  await revokeAllSessions(ctx, userId);
  return issueSession(ctx, s, userId);
}

// Email verification and password reset: single-use, expiring tokens sent through the mail port.
import { digest, hashPassword, type DocumentStore, type Mailer } from '@beamline/core';
import { newId, randomToken } from '@beamline/protocol';
import type { Ctx } from '../context';
import { Conflict, Invalid, NotFound } from '../errors';
import { normaliseEmail } from './accounts';
import { revokeAllSessions } from './tokens';

export type AccountTokenPurpose = 'verify_email' | 'reset_password';

export interface AccountTokenDoc {
  id: string;
  userId: string;
  purpose: AccountTokenPurpose;
  /** The address the token was sent to; verification holds only while the account keeps it. */
  email: string;
  tokenDigest: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
}

export interface AccountMailSettings {
  mailer: Mailer;
  /** The dashboard page a mail links to, with the token in its query. */
  link(path: string, token: string): string;
  verificationTtlSeconds: number;
  resetTtlSeconds: number;
}

export const ACCOUNT_TOKEN_INDEXES = [{ collection: 'account_tokens', fields: ['userId'] }];

/** The one accessor of the account tokens (also erased with the account). */
export const accountTokensCollection = (store: DocumentStore) => store.collection<AccountTokenDoc>('account_tokens');
const tokens = (ctx: Ctx) => accountTokensCollection(ctx.store);

async function issueToken(ctx: Ctx, userId: string, email: string, purpose: AccountTokenPurpose, ttlSeconds: number) {
  const id = newId('accountToken');
  const secret = randomToken(40);
  const now = ctx.clock.now();
  await tokens(ctx).insert({
    id,
    userId,
    purpose,
    email,
    tokenDigest: digest(secret),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
  });
  return `${id}.${secret}`;
}

/** Spends a token: of two concurrent uses only one succeeds; a used or expired token says so. */
async function spendToken(ctx: Ctx, token: string, purpose: AccountTokenPurpose): Promise<AccountTokenDoc> {
  const [id, secret] = token.split('.', 2);
  const invalid = Invalid('invalid_account_token', 'The link is not valid; ask for a new one.');
  if (!id || !secret) throw invalid;
  const doc = await tokens(ctx).findOne({ id, purpose });
  if (!doc || doc.tokenDigest !== digest(secret)) throw invalid;
  const now = ctx.clock.now().toISOString();
  if (doc.usedAt) throw Invalid('account_token_used', 'This link was already used; ask for a new one.');
  if (doc.expiresAt <= now) throw Invalid('account_token_expired', 'This link has expired; ask for a new one.');
  const claimed = await tokens(ctx).updateOne({ id, usedAt: { $exists: false } }, { set: { usedAt: now } });
  if (!claimed) throw Invalid('account_token_used', 'This link was already used; ask for a new one.');
  return doc;
}

export async function sendVerificationMail(ctx: Ctx, s: AccountMailSettings, userId: string): Promise<void> {
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user) throw NotFound('user_not_found', 'The account no longer exists.');
  if (user.emailVerifiedAt) throw Conflict('email_already_verified', 'This email address is already verified.');
  const token = await issueToken(ctx, user.id, user.email, 'verify_email', s.verificationTtlSeconds);
  const link = s.link('/verify-email', token);
  await s.mailer.send({
    to: user.email,
    subject: 'Verify your email address',
    text: `Confirm that ${user.email} is yours by opening this link:\n\n${link}\n\nIt works once and expires in ${Math.round(s.verificationTtlSeconds / 3600)} hours. If you did not sign up, ignore this mail.`,
  });
}

export async function verifyEmail(ctx: Ctx, token: string): Promise<{ userId: string }> {
  const doc = await spendToken(ctx, token, 'verify_email');
  const user = await ctx.repos.users.updateOne(
    { id: doc.userId, email: doc.email },
    { set: { emailVerifiedAt: ctx.clock.now().toISOString() } },
  );
  if (!user) throw Invalid('invalid_account_token', 'The account or its email address changed; ask for a new link.');
  return { userId: user.id };
}

/** Always succeeds from the caller's view, so that it cannot tell which addresses have accounts. */
export async function requestPasswordReset(ctx: Ctx, s: AccountMailSettings, email: string): Promise<void> {
  const user = await ctx.repos.users.findOne({ email: normaliseEmail(email) });
  if (!user) {
    ctx.log.info('password reset asked for an unknown address');
    return;
  }
  const token = await issueToken(ctx, user.id, user.email, 'reset_password', s.resetTtlSeconds);
  const link = s.link('/reset-password', token);
  await s.mailer.send({
    to: user.email,
    subject: 'Reset your password',
    text: `Someone asked to reset the password of ${user.email}. To choose a new one, open:\n\n${link}\n\nThe link works once and expires in ${Math.round(s.resetTtlSeconds / 60)} minutes. If it was not you, ignore this mail; your password stays as it is.`,
  });
}

/** Sets the new password and signs out every session: whoever knew the old one is out. */
export async function resetPassword(ctx: Ctx, token: string, password: string): Promise<{ userId: string }> {
  const doc = await spendToken(ctx, token, 'reset_password');
  const now = ctx.clock.now().toISOString();
  const user = await ctx.repos.users.updateOne(
    { id: doc.userId },
    // Receiving the mail proves the address, too.
    { set: { passwordHash: await hashPassword(password), emailVerifiedAt: now } },
  );
  if (!user) throw Invalid('invalid_account_token', 'The account no longer exists.');
  await revokeAllSessions(ctx, doc.userId);
  await tokens(ctx).updateMany(
    { userId: doc.userId, purpose: 'reset_password', usedAt: { $exists: false } },
    { set: { usedAt: now } },
  );
  return { userId: doc.userId };
}

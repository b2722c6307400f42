// TOTP two-factor authentication: enrol (secret + otpauth URI + QR), confirm, disable; single-use recovery codes.
import { digest, verifyPassword, type DocumentStore, type SecretBox } from '@beamline/core';
import { newId, randomToken } from '@beamline/protocol';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Ctx } from '../context';
import { Conflict, Invalid, NotFound, Unauthorized } from '../errors';
import type { UserDoc } from '../repos';

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Beamline';

export interface RecoveryCodeDoc {
  id: string;
  userId: string;
  codeDigest: string;
  createdAt: string;
  usedAt?: string;
}

/** The one accessor of the recovery codes (also erased with the account). */
export const recoveryCodesCollection = (store: DocumentStore) => store.collection<RecoveryCodeDoc>('recovery_codes');
const recoveryCodes = (ctx: Ctx) => recoveryCodesCollection(ctx.store);

async function loadUser(ctx: Ctx, userId: string): Promise<UserDoc> {
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user) throw NotFound('user_not_found', 'The account no longer exists.');
  return user;
}

export const twoFactorEnabled = (u: Pick<UserDoc, 'twoFactor'>) => Boolean(u.twoFactor?.enabledAt);

/** Recovery codes read aloud or typed by hand: case and dashes do not matter. */
const normaliseRecoveryCode = (code: string) => code.replace(/[\s-]/g, '').toLowerCase();

/** Starts (or restarts) enrolment: a new secret, shown once, that the first code confirms. */
export async function startTwoFactor(ctx: Ctx, box: SecretBox, userId: string) {
  const user = await loadUser(ctx, userId);
  if (twoFactorEnabled(user))
    throw Conflict('two_factor_already_enabled', 'Two-factor authentication is already on; disable it first.');
  const secret = generateSecret();
  await ctx.repos.users.updateOne({ id: userId }, { set: { twoFactor: { secretSealed: box.seal(secret) } } });
  const otpauthUrl = generateURI({ issuer: ISSUER, label: user.email, secret });
  return { secret, otpauthUrl, qrCodeDataUrl: await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 240 }) };
}

/** Checks a TOTP code and records its time step, so that the same code is never accepted twice. */
async function acceptTotp(ctx: Ctx, box: SecretBox, user: UserDoc, code: string): Promise<boolean> {
  const state = user.twoFactor;
  if (!state || !/^\d{6}$/.test(code)) return false;
  const result = await verify({
    secret: box.open(state.secretSealed),
    token: code,
    epoch: Math.floor(ctx.clock.now().getTime() / 1000),
    epochTolerance: 30,
    ...(state.lastTimeStep !== undefined ? { afterTimeStep: state.lastTimeStep } : {}),
  });
  if (!result.valid || !('timeStep' in result)) return false;
  // Of two concurrent uses of one code, only one moves the step forward.
  const claimed = await ctx.repos.users.updateOne(
    {
      id: user.id,
      $or: [{ 'twoFactor.lastTimeStep': { $exists: false } }, { 'twoFactor.lastTimeStep': { $lt: result.timeStep } }],
    },
    { set: { twoFactor: { ...state, lastTimeStep: result.timeStep } } },
  );
  return claimed !== null;
}

async function useRecoveryCode(ctx: Ctx, userId: string, code: string): Promise<boolean> {
  const codeDigest = digest(normaliseRecoveryCode(code));
  const used = await recoveryCodes(ctx).updateOne(
    { userId, codeDigest, usedAt: { $exists: false } },
    { set: { usedAt: ctx.clock.now().toISOString() } },
  );
  return used !== null;
}

async function issueRecoveryCodes(ctx: Ctx, userId: string): Promise<string[]> {
  await recoveryCodes(ctx).deleteMany({ userId });
  const now = ctx.clock.now().toISOString();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = randomToken(10).toLowerCase();
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  for (const code of codes) {
    await recoveryCodes(ctx).insert({
      id: newId('recoveryCode'),
      userId,
      codeDigest: digest(normaliseRecoveryCode(code)),
      createdAt: now,
    });
  }
  return codes;
}

/** The first code from the authenticator turns 2FA on; the recovery codes are returned this once. */
export async function confirmTwoFactor(ctx: Ctx, box: SecretBox, userId: string, code: string) {
  const user = await loadUser(ctx, userId);
  if (twoFactorEnabled(user)) throw Conflict('two_factor_already_enabled', 'Two-factor authentication is already on.');
  if (!user.twoFactor) throw Conflict('two_factor_not_started', 'Start enrolment first (POST /v1/me/2fa/setup).');
  if (!(await acceptTotp(ctx, box, user, code)))
    throw Invalid('invalid_two_factor_code', 'The code is not valid; check the clock of your device.');
  const fresh = await loadUser(ctx, userId);
  await ctx.repos.users.updateOne(
    { id: userId },
    { set: { twoFactor: { ...fresh.twoFactor!, enabledAt: ctx.clock.now().toISOString() } } },
  );
  return { recoveryCodes: await issueRecoveryCodes(ctx, userId) };
}

export interface SecondFactor {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

/** True when the code (TOTP) or recovery code is right; a recovery code is spent by this call. */
export async function checkSecondFactor(ctx: Ctx, box: SecretBox, user: UserDoc, f: SecondFactor): Promise<boolean> {
  if (!twoFactorEnabled(user)) return false;
  if (f.code) return acceptTotp(ctx, box, user, f.code);
  if (f.recoveryCode) return useRecoveryCode(ctx, user.id, f.recoveryCode);
  return false;
}

/**
 * For a sensitive change of one's own account (a new password, deleting it): the password, and with 2FA on a code
 * or recovery code too.
 */
export async function confirmOwnAccount(
  ctx: Ctx,
  box: SecretBox,
  user: UserDoc,
  input: SecondFactor & { password: string },
) {
  if (!(await verifyPassword(input.password, user.passwordHash)))
    throw Unauthorized('invalid_credentials', 'The password is wrong.');
  if (twoFactorEnabled(user) && !(await checkSecondFactor(ctx, box, user, input)))
    throw Invalid(
      'invalid_two_factor_code',
      'This account has two-factor authentication: send a valid code or recovery code.',
    );
}

async function requirePasswordAndFactor(
  ctx: Ctx,
  box: SecretBox,
  userId: string,
  input: SecondFactor & { password: string },
) {
  const user = await loadUser(ctx, userId);
  if (!twoFactorEnabled(user)) throw Conflict('two_factor_not_enabled', 'Two-factor authentication is off.');
  if (!(await verifyPassword(input.password, user.passwordHash)))
    throw Unauthorized('invalid_credentials', 'The password is wrong.');
  if (!(await checkSecondFactor(ctx, box, user, input)))
    throw Invalid('invalid_two_factor_code', 'The code or recovery code is not valid.');
  return user;
}

export async function disableTwoFactor(
  ctx: Ctx,
  box: SecretBox,
  userId: string,
  input: SecondFactor & { password: string },
) {
  await requirePasswordAndFactor(ctx, box, userId, input);
  await ctx.repos.users.updateOne({ id: userId }, { unset: ['twoFactor'] });
  await recoveryCodes(ctx).deleteMany({ userId });
}

export async function regenerateRecoveryCodes(
  ctx: Ctx,
  box: SecretBox,
  userId: string,
  input: SecondFactor & { password: string },
) {
  await requirePasswordAndFactor(ctx, box, userId, input);
  return { recoveryCodes: await issueRecoveryCodes(ctx, userId) };
}

export async function twoFactorStatus(ctx: Ctx, userId: string) {
  const user = await loadUser(ctx, userId);
  const remaining = twoFactorEnabled(user) ? await recoveryCodes(ctx).count({ userId, usedAt: { $exists: false } }) : 0;
  return {
    enabled: twoFactorEnabled(user),
    enabledAt: user.twoFactor?.enabledAt ?? null,
    recoveryCodesLeft: remaining,
  };
}

export const TWO_FACTOR_INDEXES = [{ collection: 'recovery_codes', fields: ['userId'] }];

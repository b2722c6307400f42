// The second step of a log-in with 2FA: the challenge plus a TOTP code or a recovery code gives the session.
import type { SecretBox } from '@beamline/core';
import type { Ctx } from '../context';
import { Invalid, RateLimited, Unauthorized } from '../errors';
import { publicUser, type LoginLimits } from './accounts';
import { readChallenge } from './challenge';
import { issueSession, type SessionSettings } from './tokens';
import { checkSecondFactor, type SecondFactor } from './two-factor';

export async function completeTwoFactorLogin(
  ctx: Ctx,
  s: SessionSettings,
  box: SecretBox,
  limits: LoginLimits,
  input: SecondFactor & { challengeToken: string; ip: string },
) {
  if (!input.code === !input.recoveryCode)
    throw Invalid('validation_failed', 'Send either code (from the authenticator) or recoveryCode.');
  const userId = readChallenge(s.jwtSecret, input.challengeToken);
  const key = `2fa:${userId}`;
  const wait = (await limits.perAccount.blocked(key)) ?? (await limits.perIp.blocked(input.ip));
  if (wait) throw new RateLimited(wait, 'Too many wrong codes; wait before trying again.');
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user?.twoFactor?.enabledAt) throw Unauthorized('invalid_challenge', 'Log in again.');
  if (!(await checkSecondFactor(ctx, box, user, input))) {
    await Promise.all([limits.perAccount.consume(key), limits.perIp.consume(input.ip)]);
    throw Unauthorized('invalid_two_factor_code', 'The code or recovery code is not valid.');
  }
  await limits.perAccount.reset(key);
  return { user: publicUser(user), ...(await issueSession(ctx, s, user.id)) };
}

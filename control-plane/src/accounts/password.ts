// A signed-in developer changes their password: every session ends, and the caller gets a new one.
import { hashPassword, verifyPassword, type SecretBox } from '@beamline/core';
import type { Ctx } from '../context';
import { Invalid, NotFound, Unauthorized } from '../errors';
import { publicUser } from './accounts';
import { renewSessions, type SessionSettings } from './tokens';
import { checkSecondFactor, twoFactorEnabled, type SecondFactor } from './two-factor';

export async function changePassword(
  ctx: Ctx,
  box: SecretBox,
  s: SessionSettings,
  userId: string,
  input: SecondFactor & { currentPassword: string; newPassword: string },
) {
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user) throw NotFound('user_not_found', 'The account no longer exists.');
  if (!(await verifyPassword(input.currentPassword, user.passwordHash)))
    throw Unauthorized('invalid_credentials', 'The current password is wrong.');
  if (twoFactorEnabled(user) && !(await checkSecondFactor(ctx, box, user, input)))
    throw Invalid(
      'invalid_two_factor_code',
      'This account has two-factor authentication: send a valid code or recovery code.',
    );
  await ctx.repos.users.updateOne({ id: userId }, { set: { passwordHash: await hashPassword(input.newPassword) } });
  return { user: publicUser(user), ...(await renewSessions(ctx, s, userId)) };
}

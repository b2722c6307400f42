// A signed-in developer changes their password: every session ends, and the caller gets a new one.
import { hashPassword, type SecretBox } from '@beamline/core';
import type { Ctx } from '../context';
import { NotFound } from '../errors';
import { publicUser } from './accounts';
import { renewSessions, type SessionSettings } from './tokens';
import { confirmOwnAccount, type SecondFactor } from './two-factor';

export async function changePassword(
  ctx: Ctx,
  box: SecretBox,
  s: SessionSettings,
  userId: string,
  input: SecondFactor & { currentPassword: string; newPassword: string },
) {
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user) throw NotFound('user_not_found', 'The account no longer exists.');
  await confirmOwnAccount(ctx, box, user, { ...input, password: input.currentPassword });
  await ctx.repos.users.updateOne({ id: userId }, { set: { passwordHash: await hashPassword(input.newPassword) } });
  return { user: publicUser(user), ...(await renewSessions(ctx, s, userId)) };
}

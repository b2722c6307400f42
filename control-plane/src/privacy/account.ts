// A developer account's data: its export, and its deletion with the apps it alone owns.
import type { SecretBox } from '@beamline/core';
import { publicUser } from '../accounts/accounts';
import { accountTokensCollection } from '../accounts/email';
import { confirmOwnAccount, recoveryCodesCollection, type SecondFactor } from '../accounts/two-factor';
import type { AppCtx, Ctx } from '../context';
import { Conflict, NotFound } from '../errors';
import { ARCHIVE_FORMAT, eraseApp } from './apps';
import { dataRequests } from './records';
import { redact } from './redact';

export async function exportAccount(ctx: Ctx, userId: string) {
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user) throw NotFound('user_not_found', 'The account no longer exists.');
  const memberships = await ctx.repos.lookup.members.find({ userId });
  const apps = await ctx.repos.apps.find({ id: { $in: memberships.map((m) => m.appId) } });
  const names = new Map(apps.map((a) => [a.id, a.name]));
  const sessions = await ctx.repos.refreshTokens.find({ userId }, { sort: { createdAt: -1 } });
  const invitations = await ctx.repos.lookup.invitations.find({ email: user.email });
  const requests = await dataRequests(ctx.store).find({ actorId: userId });
  const archive = {
    format: ARCHIVE_FORMAT,
    exportedAt: ctx.clock.now().toISOString(),
    account: {
      ...publicUser(user),
      emailVerifiedAt: user.emailVerifiedAt ?? null,
      twoFactorEnabledAt: user.twoFactor?.enabledAt ?? null,
    },
    memberships: memberships.map((m) => ({
      appId: m.appId,
      appName: names.get(m.appId) ?? null,
      role: m.role,
      since: m.createdAt,
    })),
    sessions: sessions.map((s) => ({
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      usedAt: s.usedAt ?? null,
      revokedAt: s.revokedAt ?? null,
    })),
    invitations: invitations.map(redact),
    dataRequests: requests.map(redact),
  };
  return {
    archive,
    counts: { users: 1, members: memberships.length, refresh_tokens: sessions.length, invitations: invitations.length },
  };
}

/**
 * Deletes the account. Apps it owns alone go with it when nobody else is a member; an app it
 * alone owns with other members must first get another owner (409 sole_owner lists them).
 * Memberships, sessions, recovery codes, mail tokens and pending invitations are deleted.
 * Audit entries of the remaining apps keep the bare account id as their actor.
 */
export async function deleteAccount(
  ctx: Ctx,
  box: SecretBox,
  userId: string,
  input: SecondFactor & { password: string },
  erase: { tenantCollections: readonly string[]; dataDir: string },
): Promise<{ counts: Record<string, number>; deletedApps: string[] }> {
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user) throw NotFound('user_not_found', 'The account no longer exists.');
  await confirmOwnAccount(ctx, box, user, input);

  const memberships = await ctx.repos.lookup.members.find({ userId });
  const alone: string[] = [];
  const blocked: string[] = [];
  for (const m of memberships.filter((x) => x.role === 'owner')) {
    const others = await ctx.repos.forApp(m.appId).members.find({ userId: { $ne: userId } });
    if (others.length === 0) alone.push(m.appId);
    else if (!others.some((o) => o.role === 'owner')) blocked.push(m.appId);
  }
  if (blocked.length)
    throw Conflict('sole_owner', 'Make another member owner of these apps first, or delete them.', { appIds: blocked });

  const counts: Record<string, number> = {};
  const add = (part: Record<string, number>) => {
    for (const [k, v] of Object.entries(part)) counts[k] = (counts[k] ?? 0) + v;
  };
  for (const appId of alone) {
    const appCtx: AppCtx = { ...ctx, appId };
    add(await eraseApp(appCtx, erase.tenantCollections, erase.dataDir));
  }
  add({
    members: await ctx.repos.lookup.members.deleteMany({ userId }),
    invitations: await ctx.repos.lookup.invitations.deleteMany({ email: user.email, acceptedAt: { $exists: false } }),
    refresh_tokens: await ctx.repos.refreshTokens.deleteMany({ userId }),
    recovery_codes: await recoveryCodesCollection(ctx.store).deleteMany({ userId }),
    account_tokens: await accountTokensCollection(ctx.store).deleteMany({ userId }),
    users: (await ctx.repos.users.deleteOne({ id: userId })) ? 1 : 0,
  });
  await ctx.access.changed(userId);
  return { counts, deletedApps: alone };
}

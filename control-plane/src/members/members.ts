// The team of an app: members with roles, invitations by email, and the last-owner rule.
import { digest, DuplicateKeyError } from '@beamline/core';
import { newId, randomToken } from '@beamline/protocol';
import { normaliseEmail } from '../accounts/accounts';
import type { AppCtx, Ctx } from '../context';
import { Conflict, Forbidden, NotFound } from '../errors';
import { canAssignRole, type MemberRole } from '../permissions';
import type { InvitationDoc, MemberDoc } from '../repos';

const INVITATION_TTL_MS = 7 * 86_400_000;

export async function listMembers(ctx: AppCtx) {
  const members = await ctx.repos.forApp(ctx.appId).members.find({}, { sort: { createdAt: 1 } });
  const users = await ctx.repos.users.find({ id: { $in: members.map((m) => m.userId) } });
  const byId = new Map(users.map((u) => [u.id, u]));
  return members.map((m) => publicMember(m, byId.get(m.userId)));
}

function publicMember(m: MemberDoc, user?: { email: string; name: string }) {
  return {
    id: m.id,
    userId: m.userId,
    email: user?.email ?? null,
    name: user?.name ?? null,
    role: m.role,
    createdAt: m.createdAt,
  };
}

export const publicInvitation = (i: InvitationDoc) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  createdAt: i.createdAt,
  expiresAt: i.expiresAt,
  status: i.acceptedAt ? ('accepted' as const) : ('pending' as const),
});

function actorRole(ctx: AppCtx): MemberRole {
  if (ctx.actor.type !== 'developer' || !ctx.actor.role)
    throw Forbidden('forbidden', 'Team changes need a signed-in member.');
  return ctx.actor.role;
}

export async function invite(ctx: AppCtx, acceptBaseUrl: string, input: { email: string; role: MemberRole }) {
  if (!canAssignRole(actorRole(ctx), null, input.role))
    throw Forbidden('forbidden', 'Only an owner may invite an owner.');
  const email = normaliseEmail(input.email);
  const existingUser = await ctx.repos.users.findOne({ email });
  if (existingUser && (await ctx.repos.forApp(ctx.appId).members.findOne({ userId: existingUser.id }))) {
    throw Conflict('already_member', `${email} is already a member of this app.`);
  }
  const token = `inv_${randomToken(40)}`;
  const now = ctx.clock.now();
  const doc = await ctx.repos.forApp(ctx.appId).invitations.insert({
    id: newId('invitation'),
    email,
    role: input.role,
    tokenDigest: digest(token),
    invitedBy: ctx.actor.type === 'developer' ? ctx.actor.userId : 'system',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS).toISOString(),
  });
  const acceptUrl = `${acceptBaseUrl.replace(/\/$/, '')}/invitations/accept?token=${token}`;
  return { invitation: publicInvitation(doc), token, acceptUrl };
}

export async function listInvitations(ctx: AppCtx) {
  const rows = await ctx.repos
    .forApp(ctx.appId)
    .invitations.find({ acceptedAt: { $exists: false } }, { sort: { createdAt: -1 } });
  return rows.map(publicInvitation);
}

export async function revokeInvitation(ctx: AppCtx, invitationId: string) {
  const gone = await ctx.repos
    .forApp(ctx.appId)
    .invitations.deleteOne({ id: invitationId, acceptedAt: { $exists: false } });
  if (!gone) throw NotFound('invitation_not_found', `No pending invitation ${invitationId} in this app.`);
}

/** Single use: the invitation is claimed atomically, then the member is added. */
export async function acceptInvitation(ctx: Ctx, userId: string, token: string) {
  const notFound = NotFound('invitation_not_found', 'The invitation does not exist, was used, or has expired.');
  const invitation = await ctx.repos.lookup.invitations.findOne({ tokenDigest: digest(token) });
  const now = ctx.clock.now().toISOString();
  if (!invitation || invitation.acceptedAt || invitation.expiresAt <= now) throw notFound;
  const user = await ctx.repos.users.findOne({ id: userId });
  if (!user || user.email !== invitation.email) {
    throw Forbidden('invitation_email_mismatch', 'This invitation was sent to another email address.');
  }
  const tenant = ctx.repos.forApp(invitation.appId);
  if (await tenant.members.findOne({ userId }))
    throw Conflict('already_member', 'You are already a member of this app.');
  const claimed = await tenant.invitations.updateOne(
    { id: invitation.id, acceptedAt: { $exists: false } },
    { set: { acceptedAt: now, acceptedBy: userId } },
  );
  if (!claimed) throw notFound;
  try {
    const member = await tenant.members.insert({ id: newId('member'), userId, role: invitation.role, createdAt: now });
    return { appId: invitation.appId, member: publicMember(member, user) };
  } catch (err) {
    if (err instanceof DuplicateKeyError) throw Conflict('already_member', 'You are already a member of this app.');
    throw err;
  }
}

async function findMember(ctx: AppCtx, memberId: string) {
  const member = await ctx.repos.forApp(ctx.appId).members.findOne({ id: memberId });
  if (!member) throw NotFound('member_not_found', `No member ${memberId} in this app.`);
  return member;
}

async function assertNotLastOwner(ctx: AppCtx, member: MemberDoc) {
  if (member.role !== 'owner') return;
  const owners = await ctx.repos.forApp(ctx.appId).members.count({ role: 'owner' });
  if (owners <= 1) throw Conflict('last_owner', 'An app must keep at least one owner; make someone else owner first.');
}

export async function changeRole(ctx: AppCtx, memberId: string, role: MemberRole) {
  const member = await findMember(ctx, memberId);
  if (!canAssignRole(actorRole(ctx), member.role, role))
    throw Forbidden('forbidden', 'Only an owner may change an owner or make one.');
  if (role !== 'owner') await assertNotLastOwner(ctx, member);
  const updated = await ctx.repos.forApp(ctx.appId).members.updateOne({ id: memberId }, { set: { role } });
  await ctx.access.changed(memberId);
  const user = await ctx.repos.users.findOne({ id: member.userId });
  return publicMember(updated!, user ?? undefined);
}

export async function removeMember(ctx: AppCtx, memberId: string) {
  const member = await findMember(ctx, memberId);
  if (!canAssignRole(actorRole(ctx), member.role, null))
    throw Forbidden('forbidden', 'Only an owner may remove an owner.');
  await assertNotLastOwner(ctx, member);
  await ctx.repos.forApp(ctx.appId).members.deleteOne({ id: memberId });
  await ctx.access.changed(memberId);
}

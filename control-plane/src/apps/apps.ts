// Apps: the tenant. Creating one makes the caller its owner and issues the first API key.
import type { SecretBox } from '@beamline/core';
import { newId } from '@beamline/protocol';
import type { AppCtx, Ctx } from '../context';
import { Forbidden, Unauthorized } from '../errors';
import { issueKey } from '../keys/keys';
import type { MemberRole } from '../permissions';
import type { AppDoc } from '../repos';

export interface PublicApp {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  role: MemberRole | null;
}

export const publicApp = (a: AppDoc, role: MemberRole | null = null): PublicApp => ({
  id: a.id,
  name: a.name,
  description: a.description ?? null,
  status: a.status,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  role,
});

export async function createApp(
  ctx: Ctx,
  box: SecretBox,
  userId: string,
  input: { name: string; description?: string | undefined },
) {
  // An access token outlives a deleted account by its few minutes of validity: no app for a ghost.
  if (!(await ctx.repos.users.findOne({ id: userId })))
    throw Unauthorized('unauthorized', 'This account no longer exists.');
  const now = ctx.clock.now().toISOString();
  const app: AppDoc = {
    id: newId('app'),
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    status: 'active',
    createdBy: userId,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.repos.apps.insert(app);
  await ctx.repos.forApp(app.id).members.insert({ id: newId('member'), userId, role: 'owner', createdAt: now });
  const apiKey = await issueKey(ctx, box, app.id, 'Default key');
  return { app: publicApp(app, 'owner'), apiKey };
}

export async function listApps(ctx: Ctx) {
  const actor = ctx.actor;
  if (actor.type === 'apiKey') {
    const app = await ctx.repos.apps.findOne({ id: actor.appId });
    return app ? [publicApp(app)] : [];
  }
  if (actor.type !== 'developer') throw Forbidden('forbidden', 'Not allowed.');
  const memberships = await ctx.repos.lookup.members.find({ userId: actor.userId });
  const roles = new Map(memberships.map((m) => [m.appId, m.role]));
  const apps = await ctx.repos.apps.find({ id: { $in: [...roles.keys()] } }, { sort: { createdAt: -1 } });
  return apps.map((a) => publicApp(a, roles.get(a.id) ?? null));
}

function roleOf(ctx: AppCtx): MemberRole | null {
  return ctx.actor.type === 'developer' ? (ctx.actor.role ?? null) : null;
}

/** The app as loaded by the route's access check. */
export function getApp(ctx: AppCtx, app: AppDoc) {
  return publicApp(app, roleOf(ctx));
}

export async function updateApp(
  ctx: AppCtx,
  input: { name?: string | undefined; description?: string | null | undefined },
) {
  const app = await ctx.repos.apps.updateOne(
    { id: ctx.appId },
    {
      set: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(typeof input.description === 'string' ? { description: input.description } : {}),
        updatedAt: ctx.clock.now().toISOString(),
      },
      ...(input.description === null ? { unset: ['description' as const] } : {}),
    },
  );
  await ctx.access.changed(ctx.appId);
  return publicApp(app!, roleOf(ctx));
}

export async function setArchived(ctx: AppCtx, archived: boolean) {
  const app = await ctx.repos.apps.updateOne(
    { id: ctx.appId },
    { set: { status: archived ? 'archived' : 'active', updatedAt: ctx.clock.now().toISOString() } },
  );
  await ctx.access.changed(ctx.appId);
  return publicApp(app!, roleOf(ctx));
}

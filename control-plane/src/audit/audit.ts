// The audit log: every mutating call that succeeded, with who, what, where from and when (written by core's
// recordAudit, read here).
import type { AuditDoc } from '@beamline/core';
import { actorId, type Actor, type AppCtx } from '../context';
import { paginate } from '../http/pagination';

/** The actor fields of an audit entry (core's recordAudit writes it). */
export function auditActor(actor: Actor): { actorType: string; actorId: string } {
  return { actorType: actor.type, actorId: actorId(actor) };
}

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  target?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listAudit(ctx: AppCtx, f: AuditFilter) {
  const filter: Record<string, unknown> = {};
  if (f.action) filter.action = f.action;
  if (f.actorId) filter.actorId = f.actorId;
  if (f.target) filter.target = f.target;
  if (f.from || f.to) filter.createdAt = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
  const page = await paginate(ctx.repos.forApp(ctx.appId).audit, filter, f);
  return { data: page.data.map(({ appId: _appId, ...rest }: AuditDoc) => rest), nextCursor: page.nextCursor };
}

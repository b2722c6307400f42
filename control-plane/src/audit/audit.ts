// The audit log: every mutating call that succeeded, with who, what, where from and when.
import { newId } from '@beamline/protocol';
import { actorId, type Actor, type AppCtx } from '../context';
import { paginate } from '../http/pagination';
import type { AuditDoc, Repos } from '../repos';

export interface AuditEntry {
  appId: string;
  actor: Actor;
  action: string;
  method: string;
  path: string;
  target: string | null;
  status: number;
  ip: string;
  requestId: string;
  at: Date;
}

export async function recordAudit(repos: Repos, e: AuditEntry): Promise<void> {
  await repos.forApp(e.appId).audit.insert({
    id: newId('audit'),
    actorType: e.actor.type,
    actorId: actorId(e.actor),
    action: e.action,
    method: e.method,
    path: e.path,
    target: e.target,
    status: e.status,
    ip: e.ip,
    requestId: e.requestId,
    createdAt: e.at.toISOString(),
  });
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

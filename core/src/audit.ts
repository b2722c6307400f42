// The audit log's one owner: every service records what was done to an app (REST calls, socket moderation) here.
import { newId } from '@beamline/protocol';
import { tenantCollection, type DocumentStore, type IndexSpec, type TenantCollection } from './store';

export interface AuditDoc {
  id: string;
  appId: string;
  actorType: string;
  actorId: string;
  action: string;
  method: string;
  path: string;
  target: string | null;
  status: number;
  ip: string;
  requestId: string;
  createdAt: string;
}

export const AUDIT_COLLECTION = 'audit_logs';
export const AUDIT_INDEXES: IndexSpec[] = [{ collection: AUDIT_COLLECTION, fields: ['appId'] }];

/** One app's audit log. */
export function auditLogOf(store: DocumentStore, appId: string): TenantCollection<AuditDoc> {
  return tenantCollection(store.collection<AuditDoc>(AUDIT_COLLECTION), appId);
}

export interface AuditEntry {
  appId: string;
  /** Who acted: `developer`, `apiKey`, `user` (an end user over the socket), … */
  actorType: string;
  actorId: string;
  action: string;
  /** The HTTP method, or `SOCKET` for a realtime request. */
  method: string;
  path: string;
  target: string | null;
  status: number;
  ip: string;
  requestId: string;
  at: Date;
}

export async function recordAudit(store: DocumentStore, e: AuditEntry): Promise<void> {
  await auditLogOf(store, e.appId).insert({
    id: newId('audit'),
    actorType: e.actorType,
    actorId: e.actorId,
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

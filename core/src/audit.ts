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

/**
 * One audited action: who (`actorType` developer, apiKey, or user for an end user over the socket), what (`action`,
 * `method` — `SOCKET` for a realtime request — and `path`), on what, with which result, from where, and when.
 */
export type AuditEntry = Omit<AuditDoc, 'id' | 'createdAt'> & { at: Date };

export async function recordAudit(store: DocumentStore, e: AuditEntry): Promise<void> {
  const { appId, at, ...fields } = e;
  await auditLogOf(store, appId).insert({ id: newId('audit'), ...fields, createdAt: at.toISOString() });
}

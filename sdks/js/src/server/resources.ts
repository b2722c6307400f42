// Typed methods per REST resource; each names the operationId it calls (see /openapi.json).
import type { PageIterator } from './pagination';
import { Resource } from './resource';
import type { OpQuery, Schemas } from './types';

export type App = Schemas['App'];
export type AuditLogEntry = Schemas['AuditLogEntry'];

export class AppsResource extends Resource {
  /** The app this API key belongs to. */
  retrieve(): Promise<App> {
    return this.request('getApp', 'GET', '/v1/apps/{appId}');
  }
}

export class AuditLogsResource extends Resource {
  /** The audit log, newest first; `for await` walks every page. */
  list(query: OpQuery<'listAuditLogs'> = {}): PageIterator<AuditLogEntry> {
    return this.paginate('listAuditLogs', '/v1/apps/{appId}/audit-logs', { query });
  }
}

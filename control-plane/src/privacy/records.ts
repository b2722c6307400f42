// The record of data requests (exports and erasures): kept outside any app, so it outlives what it erased.
import type { Collection, DocumentStore } from '@beamline/core';
import { newId } from '@beamline/protocol';
import { actorId, type Ctx } from '../context';

export type DataRequestKind = 'export' | 'erasure';
export type DataRequestScope = 'account' | 'app' | 'endUser';

export interface DataRequestDoc {
  id: string;
  kind: DataRequestKind;
  scope: DataRequestScope;
  /** The app concerned (absent for an account). */
  appId?: string;
  /** The account id, the app id, or the app's end-user id. */
  subjectId: string;
  actorType: string;
  actorId: string;
  /** Documents exported or erased, by collection. */
  counts: Record<string, number>;
  requestId?: string;
  createdAt: string;
}

export const DATA_REQUESTS = 'data_requests';
export const DATA_REQUEST_INDEXES = [
  { collection: DATA_REQUESTS, fields: ['appId'] },
  { collection: DATA_REQUESTS, fields: ['actorId'] },
];

export function dataRequests(store: DocumentStore): Collection<DataRequestDoc> {
  return store.collection<DataRequestDoc>(DATA_REQUESTS);
}

export async function recordDataRequest(
  ctx: Ctx,
  r: {
    kind: DataRequestKind;
    scope: DataRequestScope;
    appId?: string;
    subjectId: string;
    counts: Record<string, number>;
    requestId?: string;
  },
): Promise<DataRequestDoc> {
  const doc: DataRequestDoc = {
    id: newId('dataRequest'),
    ...r,
    actorType: ctx.actor.type,
    actorId: actorId(ctx.actor),
    createdAt: ctx.clock.now().toISOString(),
  };
  await dataRequests(ctx.store).insert(doc);
  ctx.log.info({ dataRequest: doc }, `data ${r.kind} (${r.scope} ${r.subjectId})`);
  return doc;
}

export async function listDataRequests(ctx: Ctx, filter: { appId?: string; actorId?: string }) {
  return dataRequests(ctx.store).find(filter, { sort: { createdAt: -1 }, limit: 200 });
}

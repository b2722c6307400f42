// The webhook collections: endpoints (with their sealed signing secrets) and deliveries (with their attempt log).
import { createHash } from 'node:crypto';
import { OUTBOX, tenantCollection, type Collection, type DocumentStore, type IndexSpec } from '@beamline/core';

export interface WebhookEndpointDoc {
  id: string;
  appId: string;
  url: string;
  /** Event types this endpoint receives, or ['*'] for every type. */
  events: string[];
  description?: string;
  enabled: boolean;
  secretSealed: string;
  /** After a rotation the old secret also signs until previousSecretExpiresAt. */
  previousSecretSealed?: string;
  previousSecretExpiresAt?: string;
  /** Deliveries in a row that ended failed; reset by a success or by enabling the endpoint. */
  consecutiveFailures: number;
  disabledAt?: string;
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface AttemptLog {
  attempt: number;
  at: string;
  /** HTTP status of the receiver's answer; null when none came (network error, timeout, refused). */
  status: number | null;
  latencyMs: number;
  /** The first bytes of the answer body (capped), or what went wrong. */
  responseExcerpt: string;
  error: string | null;
  outcome: 'succeeded' | 'retry' | 'failed';
}

export interface DeliveryDoc {
  id: string;
  appId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  /** The exact body sent on every attempt: the event envelope as JSON. */
  payload: string;
  status: DeliveryStatus;
  /** Attempts since the delivery was (re)queued; the retry schedule counts these. */
  roundAttempts: number;
  attemptCount: number;
  attempts: AttemptLog[];
  /** When a dispatcher may next claim it: due time while pending, lease end while claimed. */
  availableAt: string;
  /** The claim of the dispatcher working on it; a stale claim expires with availableAt. */
  claim?: string;
  lastStatus?: number | null;
  lastError?: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  /** Sent by POST …/test, outside the retry schedule. */
  test?: boolean;
}

export const WEBHOOK_ENDPOINTS = 'webhook_endpoints';
export const WEBHOOK_DELIVERIES = 'webhook_deliveries';
export const WEBHOOK_TENANT_COLLECTIONS = [WEBHOOK_ENDPOINTS, WEBHOOK_DELIVERIES] as const;

/** Attempts kept in a delivery's log; older ones are dropped first. */
export const MAX_LOGGED_ATTEMPTS = 50;

export const WEBHOOK_INDEXES: IndexSpec[] = [
  { collection: WEBHOOK_ENDPOINTS, fields: ['appId'] },
  { collection: WEBHOOK_DELIVERIES, fields: ['appId'] },
  { collection: WEBHOOK_DELIVERIES, fields: ['webhookId'] },
  { collection: WEBHOOK_DELIVERIES, fields: ['status'] },
  { collection: WEBHOOK_DELIVERIES, fields: ['availableAt'] },
  // The outbox: pending events (no dispatchedAt) in createdAt order for the claim, and old dispatched ones
  // for pruning. The embedded store scans instead: its indexes serve neither query, and one on dispatchedAt
  // would keep every pending event under one key, rewritten on each claim.
  { collection: OUTBOX, fields: ['dispatchedAt', 'createdAt'], mongoOnly: true },
];

export function webhookCollections(store: DocumentStore) {
  const endpoints = store.collection<WebhookEndpointDoc>(WEBHOOK_ENDPOINTS);
  const deliveries = store.collection<DeliveryDoc>(WEBHOOK_DELIVERIES);
  return {
    /** Cross-tenant, for the dispatcher only. */
    all: { endpoints, deliveries } as {
      endpoints: Collection<WebhookEndpointDoc>;
      deliveries: Collection<DeliveryDoc>;
    },
    forApp: (appId: string) => ({
      endpoints: tenantCollection(endpoints, appId),
      deliveries: tenantCollection(deliveries, appId),
    }),
  };
}

export type WebhookCollections = ReturnType<typeof webhookCollections>;

/** The same event and endpoint always give the same delivery id, so a repeated fan-out adds nothing. */
export function deliveryIdFor(eventId: string, webhookId: string): string {
  return `dlv_${createHash('sha256').update(`${eventId}:${webhookId}`).digest('hex').slice(0, 24)}`;
}

/**
 * Which of these deliveries the log has already. A store that only this process writes answers each look-up
 * from memory at once, where a query would wait behind the log's writes in flight and hold the claim (and the
 * ready queue) back; a shared store takes one query.
 */
export async function loggedDeliveries(store: DocumentStore, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { deliveries } = webhookCollections(store).all;
  const found = store.singleProcess
    ? await Promise.all(ids.map((id) => deliveries.findOne({ id })))
    : await deliveries.find({ id: { $in: ids } });
  return new Set(found.flatMap((d) => (d ? [d.id] : [])));
}

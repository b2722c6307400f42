// What one attempt's result means for its delivery: done, retry later, or failed for good.
import type { SendResult } from './sender';
import { isRetryable, nextRetryDelay } from './retry';
import { MAX_LOGGED_ATTEMPTS, type AttemptLog, type DeliveryDoc } from './store';

export interface AttemptVerdict {
  outcome: AttemptLog['outcome'];
  /** When the next attempt is due (outcome 'retry' only). */
  retryInMs: number | null;
}

export function judgeAttempt(result: SendResult, roundAttempts: number, schedule: number[]): AttemptVerdict {
  if (result.status !== null && result.status >= 200 && result.status < 300)
    return { outcome: 'succeeded', retryInMs: null };
  if (result.refused || !isRetryable(result.status)) return { outcome: 'failed', retryInMs: null };
  const wait = nextRetryDelay(schedule, roundAttempts, result.retryAfterMs);
  return wait === null ? { outcome: 'failed', retryInMs: null } : { outcome: 'retry', retryInMs: wait };
}

/** The fields of a delivery after an attempt: its log grows by one entry and its status follows the verdict. */
export function applyAttempt(
  delivery: DeliveryDoc,
  result: SendResult,
  verdict: AttemptVerdict,
  at: Date,
): Partial<DeliveryDoc> {
  const entry: AttemptLog = {
    attempt: delivery.attemptCount + 1,
    at: at.toISOString(),
    status: result.status,
    latencyMs: result.latencyMs,
    responseExcerpt: result.responseExcerpt,
    error: result.error,
    outcome: verdict.outcome,
  };
  const done = verdict.outcome !== 'retry';
  return {
    status: verdict.outcome === 'retry' ? 'pending' : verdict.outcome,
    roundAttempts: delivery.roundAttempts + 1,
    attemptCount: delivery.attemptCount + 1,
    attempts: [...delivery.attempts, entry].slice(-MAX_LOGGED_ATTEMPTS),
    availableAt: new Date(at.getTime() + (verdict.retryInMs ?? 0)).toISOString(),
    lastStatus: result.status,
    lastError: result.error,
    updatedAt: at.toISOString(),
    ...(done ? { completedAt: at.toISOString() } : {}),
  };
}

/** A delivery of one event to one endpoint, before its first attempt. */
export function newDelivery(
  event: { id: string; appId: string; type: string },
  webhookId: string,
  id: string,
  payload: string,
  now: string,
): DeliveryDoc {
  return {
    id,
    appId: event.appId,
    webhookId,
    eventId: event.id,
    eventType: event.type,
    payload,
    status: 'pending',
    roundAttempts: 0,
    attemptCount: 0,
    attempts: [],
    availableAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

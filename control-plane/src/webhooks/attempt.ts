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

/** One entry of a delivery's attempt log. */
function attemptEntry(attempt: number, result: SendResult, outcome: AttemptLog['outcome'], at: string): AttemptLog {
  return {
    attempt,
    at,
    status: result.status,
    latencyMs: result.latencyMs,
    responseExcerpt: result.responseExcerpt,
    error: result.error,
    outcome,
  };
}

const statusAfter = (verdict: AttemptVerdict): DeliveryDoc['status'] =>
  verdict.outcome === 'retry' ? 'pending' : verdict.outcome;

/** When the next attempt is due: now, unless the verdict waits. */
const dueAfter = (verdict: AttemptVerdict, at: Date, atIso: string) =>
  verdict.retryInMs ? new Date(at.getTime() + verdict.retryInMs).toISOString() : atIso;

/**
 * The fields of a delivery after an attempt: its log grows by one entry and its status follows the verdict.
 * Built as one object literal with one timestamp string: this runs once per attempt, and spreads and repeated
 * `toISOString` calls were a measurable share of a first attempt's own cost.
 */
export function applyAttempt(
  delivery: DeliveryDoc,
  result: SendResult,
  verdict: AttemptVerdict,
  at: Date,
): Partial<DeliveryDoc> {
  const atIso = at.toISOString();
  const attempts = delivery.attempts.concat(attemptEntry(delivery.attemptCount + 1, result, verdict.outcome, atIso));
  const fields: Partial<DeliveryDoc> = {
    status: statusAfter(verdict),
    roundAttempts: delivery.roundAttempts + 1,
    attemptCount: delivery.attemptCount + 1,
    attempts: attempts.length > MAX_LOGGED_ATTEMPTS ? attempts.slice(-MAX_LOGGED_ATTEMPTS) : attempts,
    availableAt: dueAfter(verdict, at, atIso),
    lastStatus: result.status,
    lastError: result.error,
    updatedAt: atIso,
  };
  if (verdict.outcome !== 'retry') fields.completedAt = atIso;
  return fields;
}

/** A delivery of one event to one endpoint as its first attempt leaves it (the log holds that attempt). */
export function deliveryAfterFirstAttempt(
  first: { event: { id: string; appId: string; type: string }; webhookId: string; id: string; payload: string },
  createdAt: string,
  result: SendResult,
  verdict: AttemptVerdict,
  at: Date,
): DeliveryDoc {
  const atIso = at.toISOString();
  const doc: DeliveryDoc = {
    id: first.id,
    appId: first.event.appId,
    webhookId: first.webhookId,
    eventId: first.event.id,
    eventType: first.event.type,
    payload: first.payload,
    status: statusAfter(verdict),
    roundAttempts: 1,
    attemptCount: 1,
    attempts: [attemptEntry(1, result, verdict.outcome, atIso)],
    availableAt: dueAfter(verdict, at, atIso),
    lastStatus: result.status,
    lastError: result.error,
    createdAt,
    updatedAt: atIso,
  };
  if (verdict.outcome !== 'retry') doc.completedAt = atIso;
  return doc;
}

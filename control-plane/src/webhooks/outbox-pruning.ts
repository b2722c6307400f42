// Outbox retention: dispatched events are kept for EVENT_RETENTION_DAYS (redelivery and data export read them),
// then pruned, at most once per tenth of the retention (and at least every 10 minutes).
import type { Collection, Logger } from '@beamline/core';
import type { Clock } from '../context';
import type { OutboxEvent } from './outbox-claims';

/** Returns the pruning step of a dispatcher pass: it deletes only when the last prune is old enough. */
export function outboxPruning(deps: {
  outbox: Collection<OutboxEvent>;
  clock: Clock;
  log: Logger;
  retentionDays: number;
}): () => Promise<void> {
  const { outbox, clock, log } = deps;
  const retentionMs = deps.retentionDays * 86_400_000;
  const pruneEveryMs = Math.min(10 * 60_000, retentionMs / 10);
  let prunedAt = 0;
  return async function pruneOutbox() {
    const now = clock.now().getTime();
    if (now - prunedAt < pruneEveryMs) return;
    prunedAt = now;
    const removed = await outbox.deleteMany({ dispatchedAt: { $lt: new Date(now - retentionMs).toISOString() } });
    if (removed > 0) log.debug({ removed }, 'pruned dispatched events past retention');
  };
}

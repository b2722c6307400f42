// Retries: claims the deliveries whose next attempt is due (a lease written in the store, so that dispatchers
// never share one), sends each again, and saves its result with the lease released.
import { randomUUID } from 'node:crypto';
import { applyAttempt, judgeAttempt } from './attempt';
import { signingSecrets } from './endpoints';
import type { AttemptDeps } from './slots';
import type { DeliveryDoc, WebhookCollections, WebhookEndpointDoc } from './store';

export interface RetryAttempts {
  /** Claims due retries while slots are free; resolves once claimed (the attempts run on). */
  claim(): Promise<void>;
  /** Resolves once every retry started so far is finished and recorded. */
  settled(): Promise<void>;
}

export function retryAttempts(
  deps: AttemptDeps & {
    coll: WebhookCollections['all'];
    /** How long a claim on a delivery lasts. */
    leaseMs: number;
  },
): RetryAttempts {
  const { config, clock, secretBox, log, sender, slots, afterVerdict, coll, leaseMs } = deps;
  /** Retries not finished yet, their results possibly still being recorded. */
  const unrecorded = new Set<Promise<unknown>>();
  const leaseEnd = (now: Date) => new Date(now.getTime() + leaseMs).toISOString();

  /**
   * Runs one attempt within the concurrency limit: its slot is taken for the request and given back once the
   * attempt calls `sent`, so that recording the result never holds a request back. Resolves false when the
   * result could not be recorded.
   */
  function startAttempt(work: (sent: () => void) => Promise<void>, context: Record<string, string>) {
    const slot = {};
    slots.take(slot);
    const sent = () => slots.release(slot);
    const done = work(sent).then(
      () => true,
      (err: unknown) => {
        log.error({ err, ...context }, 'webhook attempt could not be recorded; it will be tried again');
        return false;
      },
    );
    const tracked = done.finally(() => {
      sent();
      unrecorded.delete(tracked);
    });
    unrecorded.add(tracked);
    return done;
  }

  async function claim(): Promise<void> {
    while (slots.free() > 0) {
      const now = clock.now();
      const due = { status: 'pending', availableAt: { $lte: now.toISOString() } };
      const candidates = await coll.deliveries.find(due, { sort: { availableAt: 1 }, limit: slots.free() });
      if (candidates.length === 0) return;
      const lease = randomUUID();
      const ids = candidates.map((d) => d.id);
      await coll.deliveries.updateMany(
        { ...due, id: { $in: ids } },
        { set: { claim: lease, availableAt: leaseEnd(now) } },
      );
      const claimed = await coll.deliveries.find({ id: { $in: ids }, claim: lease });
      if (claimed.length === 0) continue;
      const endpoints = await coll.endpoints.find({ id: { $in: [...new Set(claimed.map((d) => d.webhookId))] } });
      const byId = new Map(endpoints.map((e) => [e.id, e]));
      for (const delivery of claimed) {
        const endpoint = byId.get(delivery.webhookId);
        void startAttempt((sent) => retryAttempt(delivery, lease, endpoint, sent), { deliveryId: delivery.id });
      }
    }
  }

  async function retryAttempt(
    delivery: DeliveryDoc,
    lease: string,
    endpoint: WebhookEndpointDoc | undefined,
    sent: () => void,
  ) {
    const mine = { id: delivery.id, claim: lease };
    if (!endpoint || !endpoint.enabled) {
      const reason = endpoint ? 'endpoint disabled' : 'endpoint deleted';
      const at = clock.now().toISOString();
      await coll.deliveries.updateOne(mine, {
        set: { status: 'failed', lastError: reason, completedAt: at, updatedAt: at },
        unset: ['claim'],
      });
      return;
    }
    const result = await sender.send({
      url: endpoint.url,
      eventId: delivery.eventId,
      payload: delivery.payload,
      secrets: signingSecrets(secretBox, endpoint, clock.now()),
    });
    sent();
    const verdict = judgeAttempt(result, delivery.roundAttempts + 1, config.WEBHOOK_RETRY_SCHEDULE);
    const at = clock.now();
    const saved = await coll.deliveries.updateOne(mine, {
      set: applyAttempt(delivery, result, verdict, at),
      unset: ['claim'],
    });
    if (!saved) log.warn({ deliveryId: delivery.id }, 'webhook delivery claim was lost before its result was saved');
    else await afterVerdict(endpoint, verdict, at);
  }

  return {
    claim,
    settled: async () => {
      await Promise.all([...unrecorded]);
    },
  };
}

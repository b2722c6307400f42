// The webhook dispatcher: fans stored events out into deliveries, then claims due deliveries and
// sends them. Every step is recorded in the store before the next, so a process killed at any point
// leaves work another (or the restarted) process picks up: each event reaches each endpoint at least once.
import { createHash, randomUUID } from 'node:crypto';
import { DuplicateKeyError, EVENTS_TOPIC, type StoredEvent } from '@beamline/core';
import { isEventType } from '@beamline/protocol';
import type { ControlPlaneDeps } from '../deps';
import { applyAttempt, judgeAttempt } from './attempt';
import { signingSecrets, subscribes } from './endpoints';
import { createSender, type Sender } from './sender';
import { webhookCollections, type DeliveryDoc, type WebhookEndpointDoc } from './store';

/** Events read from the outbox per query. */
const FANOUT_BATCH = 500;
/** A claim outlives the attempt's deadline by this much before another process may take the delivery. */
const LEASE_MARGIN_MS = 5_000;

export interface WebhookDispatcher {
  start(): Promise<void>;
  /** Stops claiming work and waits for the attempts in flight to finish and be recorded. */
  stop(): Promise<void>;
  /** Runs one pass now (fan-out, then claim and send what is due); resolves when the pass has claimed. */
  poke(): Promise<void>;
}

/** The same event and endpoint always give the same delivery id, so a repeated fan-out adds nothing. */
export function deliveryIdFor(eventId: string, webhookId: string): string {
  return `dlv_${createHash('sha256').update(`${eventId}:${webhookId}`).digest('hex').slice(0, 24)}`;
}

export function createDispatcher(deps: ControlPlaneDeps, opts: { sender?: Sender } = {}): WebhookDispatcher {
  const { config, store, secretBox, clock } = deps;
  const log = deps.log.child({ component: 'webhook-dispatcher' });
  const coll = webhookCollections(store);
  const outbox = store.collection<StoredEvent>('events');
  const sender =
    opts.sender ??
    createSender({
      policy: { httpsOnly: config.NODE_ENV === 'production', allowedHosts: config.WEBHOOK_ALLOWED_HOSTS },
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      now: () => clock.now(),
    });
  const leaseMs = config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let running: Promise<void> | null = null;
  let again = false;
  let wantFanOut = true;
  let pollTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;

  async function fanOut(): Promise<void> {
    for (;;) {
      const events = await outbox.find(
        { dispatchedAt: { $exists: false } },
        { sort: { createdAt: 1 }, limit: FANOUT_BATCH },
      );
      if (events.length === 0) return;
      const appIds = [...new Set(events.map((e) => e.appId))];
      const endpoints = await coll.all.endpoints.find({ appId: { $in: appIds }, enabled: true });
      const now = clock.now().toISOString();
      for (const event of events) {
        const payload = JSON.stringify({
          id: event.id,
          type: event.type,
          appId: event.appId,
          createdAt: event.createdAt,
          data: event.data,
        });
        for (const endpoint of endpoints) {
          if (endpoint.appId !== event.appId || !subscribes(endpoint, event.type)) continue;
          try {
            await coll.all.deliveries.insert(newDelivery(event, endpoint.id, payload, now));
          } catch (err) {
            if (!(err instanceof DuplicateKeyError)) throw err;
          }
        }
      }
      await outbox.updateMany({ id: { $in: events.map((e) => e.id) } }, { set: { dispatchedAt: now } });
      if (events.length < FANOUT_BATCH) return;
    }
  }

  async function claimDue(): Promise<void> {
    while (!stopping && inFlight.size < config.WEBHOOK_CONCURRENCY) {
      const now = clock.now();
      const due = { status: 'pending', availableAt: { $lte: now.toISOString() } };
      const candidates = await coll.all.deliveries.find(due, {
        sort: { availableAt: 1 },
        limit: config.WEBHOOK_CONCURRENCY - inFlight.size,
      });
      if (candidates.length === 0) return;
      const claim = randomUUID();
      const ids = candidates.map((d) => d.id);
      await coll.all.deliveries.updateMany(
        { ...due, id: { $in: ids } },
        { set: { claim, availableAt: new Date(now.getTime() + leaseMs).toISOString() } },
      );
      const claimed = await coll.all.deliveries.find({ id: { $in: ids }, claim });
      if (claimed.length === 0) continue;
      const endpoints = await coll.all.endpoints.find({ id: { $in: [...new Set(claimed.map((d) => d.webhookId))] } });
      const byId = new Map(endpoints.map((e) => [e.id, e]));
      for (const delivery of claimed) {
        const p = attempt(delivery, claim, byId.get(delivery.webhookId))
          .catch((err: unknown) => log.error({ err, deliveryId: delivery.id }, 'webhook attempt failed to record'))
          .finally(() => {
            inFlight.delete(p);
            if (!stopping) schedule(0);
          });
        inFlight.add(p);
      }
    }
  }

  async function attempt(delivery: DeliveryDoc, claim: string, endpoint: WebhookEndpointDoc | undefined) {
    const mine = { id: delivery.id, claim };
    if (!endpoint || !endpoint.enabled) {
      const reason = endpoint ? 'endpoint disabled' : 'endpoint deleted';
      const at = clock.now().toISOString();
      await coll.all.deliveries.updateOne(mine, {
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
    const verdict = judgeAttempt(result, delivery.roundAttempts + 1, config.WEBHOOK_RETRY_SCHEDULE);
    const at = clock.now();
    const saved = await coll.all.deliveries.updateOne(mine, {
      set: applyAttempt(delivery, result, verdict, at),
      unset: ['claim'],
    });
    if (!saved) log.warn({ deliveryId: delivery.id }, 'webhook delivery claim was lost before its result was saved');
    if (verdict.outcome === 'retry' && verdict.retryInMs !== null) schedule(verdict.retryInMs);
    if (verdict.outcome === 'succeeded' && endpoint.consecutiveFailures > 0) {
      await coll.all.endpoints.updateOne({ id: endpoint.id }, { set: { consecutiveFailures: 0 } });
    }
    if (verdict.outcome === 'failed') await countFailure(endpoint, at);
  }

  async function countFailure(endpoint: WebhookEndpointDoc, at: Date) {
    const after = await coll.all.endpoints.updateOne({ id: endpoint.id }, { inc: { consecutiveFailures: 1 } });
    if (!after || !after.enabled || after.consecutiveFailures < config.WEBHOOK_DISABLE_AFTER_FAILURES) return;
    const reason = `${after.consecutiveFailures} deliveries in a row failed`;
    // Only the process whose update flips `enabled` records the event, so it is recorded once.
    const disabled = await coll.all.endpoints.updateOne(
      { id: endpoint.id, enabled: true },
      { set: { enabled: false, disabledAt: at.toISOString(), disabledReason: reason, updatedAt: at.toISOString() } },
    );
    if (disabled) {
      log.warn({ webhookId: endpoint.id, appId: endpoint.appId, reason }, 'webhook endpoint disabled');
      await deps.events.publish(endpoint.appId, 'webhook.disabled', { webhookId: endpoint.id, reason });
    }
  }

  async function pass(): Promise<void> {
    try {
      if (wantFanOut) {
        wantFanOut = false;
        await fanOut();
      }
      await claimDue();
    } catch (err) {
      log.error({ err }, 'webhook dispatcher pass failed; retrying on the next poll');
    }
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await pass();
      } while (again && !stopping);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  /** Asks for a pass in `inMs`; `fanOut` when new events may be in the outbox. */
  function schedule(inMs: number, fanOutToo = false) {
    if (stopping) return;
    if (fanOutToo) wantFanOut = true;
    if (inMs <= 0) {
      void run();
      return;
    }
    if (inMs >= config.WEBHOOK_POLL_INTERVAL_MS) return; // the poll comes first
    clearTimeout(wakeTimer);
    wakeTimer = setTimeout(() => void run(), inMs);
  }

  return {
    async start() {
      stopping = false;
      unsubscribe = await deps.bus.subscribe(EVENTS_TOPIC, (message) => {
        const type = (message as { type?: unknown } | null)?.type;
        if (typeof type === 'string' && isEventType(type)) schedule(0, true);
      });
      const poll = () => {
        pollTimer = setTimeout(() => {
          wantFanOut = true;
          void run().finally(() => !stopping && poll());
        }, config.WEBHOOK_POLL_INTERVAL_MS);
      };
      poll();
      void run();
    },
    async stop() {
      stopping = true;
      clearTimeout(pollTimer);
      clearTimeout(wakeTimer);
      await unsubscribe?.();
      await running;
      await Promise.all([...inFlight]);
      await sender.close();
    },
    poke: () => {
      wantFanOut = true;
      return run();
    },
  };
}

function newDelivery(event: StoredEvent, webhookId: string, payload: string, now: string): DeliveryDoc {
  return {
    id: deliveryIdFor(event.id, webhookId),
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

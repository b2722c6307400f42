// The webhook dispatcher: takes events from the durable outbox and due retries from the delivery log,
// sends them, and records each result before the work is released. A process killed at any point leaves
// its claims to expire and be taken again, so each event reaches each endpoint at least once.
// This module wires the parts: first attempts, retries, outbox pruning, and the schedule of passes.
import { EVENTS_TOPIC, outboxCollection } from '@beamline/core';
import { isEventType } from '@beamline/protocol';
import type { ControlPlaneDeps } from '../deps';
import type { AttemptVerdict } from './attempt';
import { endpointHealth } from './endpoint-health';
import { destinationPolicy } from './endpoints';
import { firstAttempts } from './first-attempts';
import { memoryClaims, storeClaims, type OutboxEvent } from './outbox-claims';
import { outboxPruning } from './outbox-pruning';
import { passSchedule } from './pass-schedule';
import { retryAttempts } from './retry-attempts';
import { createSender, type Sender } from './sender';
import { RequestSlots, type AttemptDeps } from './slots';
import { webhookCollections, type WebhookEndpointDoc } from './store';

/** A claim outlives the attempt's deadline by this much before another process may take the work. */
const LEASE_MARGIN_MS = 5_000;
/** Outbox candidates read per scan, in windows of WEBHOOK_CONCURRENCY. */
const BACKLOG_WINDOWS = 32;

export interface WebhookDispatcher {
  start(): Promise<void>;
  /** Stops claiming work and waits for the attempts in flight to finish and be recorded. */
  stop(): Promise<void>;
  /** Runs one pass now (claim and send what is due); resolves when the pass has claimed. */
  poke(): Promise<void>;
}

/**
 * Two kinds of work, both claimed so that dispatchers never share an attempt: new events in the outbox (first
 * attempt to each subscribed endpoint, then the delivery is written with its result, then the event is marked
 * dispatched; claims in outbox-claims.ts) and deliveries whose retry is due (a lease in the store).
 */
export function createDispatcher(deps: ControlPlaneDeps, opts: { sender?: Sender } = {}): WebhookDispatcher {
  const { config, store, secretBox, clock } = deps;
  const log = deps.log.child({ component: 'webhook-dispatcher' });
  const health = endpointHealth(deps, log);
  const coll = webhookCollections(store).all;
  const outbox = outboxCollection<OutboxEvent>(store);
  const sender =
    opts.sender ??
    createSender({
      policy: destinationPolicy(config),
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      now: () => clock.now(),
    });
  const leaseMs = config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;

  // Claims on outbox events: in memory when no other process writes the store (the default then), else leases.
  const claimsOptions = {
    outbox,
    clock,
    limit: config.WEBHOOK_CONCURRENCY * BACKLOG_WINDOWS,
    leaseMs,
    pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
  };
  const claims =
    (deps.webhookClaims ?? (store.singleProcess ? 'memory' : 'store')) === 'memory'
      ? memoryClaims(store, claimsOptions, deps.bus.lossless === true)
      : storeClaims(claimsOptions);

  // A freed slot starts the next ready first attempt, and claims run beside the attempts (a pass already running
  // picks the request up when it ends).
  const slots = new RequestSlots(config.WEBHOOK_CONCURRENCY, () => {
    first.pump();
    if (first.room() > 0) passes.schedule(0);
  });
  const attempts: AttemptDeps = { config, clock, secretBox, log, sender, slots, afterVerdict };
  const first = firstAttempts({ ...attempts, store, coll, claims });
  const retries = retryAttempts({ ...attempts, coll, leaseMs });
  const pruneOutbox = outboxPruning({ outbox, clock, log, retentionDays: config.EVENT_RETENTION_DAYS });
  const passes = passSchedule(config.WEBHOOK_POLL_INTERVAL_MS, pass);
  let unsubscribe: (() => Promise<void>) | undefined;

  function afterVerdict(endpoint: WebhookEndpointDoc, verdict: AttemptVerdict, at: Date) {
    if (verdict.outcome === 'retry' && verdict.retryInMs !== null) passes.schedule(verdict.retryInMs);
    return health.recorded(endpoint, verdict.outcome, at);
  }

  /** One pass: prune, claim due retries when asked, then new events; true when retries may be left behind. */
  async function pass(withRetries: boolean): Promise<boolean> {
    let retriesLeft = false;
    try {
      await pruneOutbox();
      if (withRetries) {
        await retries.claim();
        retriesLeft = slots.free() === 0;
      }
      await first.claim();
    } catch (err) {
      log.error({ err }, 'webhook dispatcher pass failed; retrying on the next poll');
    }
    return retriesLeft;
  }

  return {
    async start() {
      claims.start();
      slots.stopping = false;
      unsubscribe = await deps.bus.subscribe(EVENTS_TOPIC, (message) => {
        const { type, id } = (message ?? {}) as { type?: unknown; id?: unknown };
        if (typeof type !== 'string' || !isEventType(type)) return;
        if (typeof id === 'string') claims.heard(id);
        passes.schedule(0);
      });
      passes.start();
    },
    async stop() {
      slots.stopping = true;
      passes.stop();
      await unsubscribe?.();
      await passes.settled();
      await retries.settled();
      await first.settled();
      await sender.close();
      claims.stop();
    },
    poke: () => passes.poke(),
  };
}

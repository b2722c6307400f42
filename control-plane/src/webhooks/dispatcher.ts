// The webhook dispatcher: takes events from the durable outbox and due retries from the delivery log,
// sends them, and records each result before the work is released. A process killed at any point leaves
// its claims to expire and be taken again, so each event reaches each endpoint at least once.
import { randomUUID } from 'node:crypto';
import { EVENTS_TOPIC, insertBatcher } from '@beamline/core';
import { isEventType } from '@beamline/protocol';
import type { ControlPlaneDeps } from '../deps';
import { applyAttempt, deliveryAfterFirstAttempt, judgeAttempt, type AttemptVerdict } from './attempt';
import { endpointHealth } from './endpoint-health';
import { destinationPolicy, signingSecrets, subscribes } from './endpoints';
import { memoryClaims, storeClaims, type OutboxEvent, type Taken } from './outbox-claims';
import { createSender, type Sender, type SendResult } from './sender';
import {
  deliveryIdFor,
  loggedDeliveries,
  webhookCollections,
  type DeliveryDoc,
  type WebhookEndpointDoc,
} from './store';

/** A claim outlives the attempt's deadline by this much before another process may take the work. */
const LEASE_MARGIN_MS = 5_000;
/** A ready attempt starts only while its claim outlives the attempt's deadline by at least this much. */
const START_MARGIN_MS = 1_000;
/** Outbox candidates read per scan, in windows of WEBHOOK_CONCURRENCY. */
const BACKLOG_WINDOWS = 32;
/** Claimed first attempts kept ready beside those in flight, in windows of WEBHOOK_CONCURRENCY. */
const READY_WINDOWS = 2;
/** First attempts claimed together: the claim is finished once each of them is recorded or given up. */
interface ClaimRound {
  taken: Taken;
  /** Attempts not ended yet. */
  waiting: number;
  /** Whether every attempt ended recorded (else the events are let go, to be claimed again). */
  complete: boolean;
  finished: () => void;
  /** Signing secrets by endpoint, opened once per claim for all its attempts. */
  secrets: Map<string, string[]>;
}

/** A claimed first attempt of one event to one endpoint. */
interface ReadyAttempt {
  event: OutboxEvent;
  endpoint: WebhookEndpointDoc;
  id: string;
  round: ClaimRound;
}

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
  const coll = webhookCollections(store);
  const outbox = store.collection<OutboxEvent>('events');
  // First attempts finish in bursts; their delivery-log entries are written together.
  const deliveryLog = insertBatcher(coll.all.deliveries);
  const sender =
    opts.sender ??
    createSender({
      policy: destinationPolicy(config),
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      now: () => clock.now(),
    });
  const leaseMs = config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
  const capacity = config.WEBHOOK_CONCURRENCY;
  // A claim's lease stays as short as one attempt needs, so that the work of a process that died is taken again
  // soon. A ready attempt whose lease would run out before its deadline is not started: its event is left to
  // be claimed again (the delivery log tells which endpoints it already reached).
  const leaseLeftToStart = config.WEBHOOK_TIMEOUT_MS + START_MARGIN_MS;
  /** Requests in flight (at most WEBHOOK_CONCURRENCY); a slot is free again once the answer is in. */
  const inFlight = new Set<object>();
  /** Retries not finished yet, their results possibly still being recorded. */
  const unrecorded = new Set<Promise<unknown>>();
  /** First attempts claimed and waiting for a free slot, so that sending never waits for a claim. */
  const ready: ReadyAttempt[] = [];
  /** Claims whose events are not marked dispatched (or released) yet. */
  const batches = new Set<Promise<unknown>>();
  let stopping = false;
  let running: Promise<void> | null = null;
  let again = false;
  let wantRetries = true;
  let backlog: OutboxEvent[] = [];
  let pollTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;

  const free = () => (stopping ? 0 : capacity - inFlight.size);
  /**
   * First attempts to claim now. While a window of them is ready, claims wait for a whole window of room, so that
   * a claim (and the write marking its events dispatched) covers many events rather than one per freed slot.
   */
  const room = () => {
    const open = stopping ? 0 : (READY_WINDOWS + 1) * capacity - inFlight.size - ready.length;
    return ready.length >= capacity && open < capacity ? 0 : open;
  };
  const leaseEnd = (now: Date) => new Date(now.getTime() + leaseMs).toISOString();

  /** Starts ready first attempts while there are free slots; runs on stop too, so claimed work drains. */
  function pump() {
    while (inFlight.size < capacity && ready.length > 0) startFirstAttempt(ready.shift()!);
  }

  /** Gives a request slot back (once per attempt) and refills: the next ready attempt, and claims beside it. */
  function release(slot: object) {
    if (!inFlight.delete(slot)) return;
    pump();
    // Claims run beside the attempts; a pass already running picks the request up when it ends.
    if (room() > 0) schedule(0);
  }

  function attemptEnded(round: ClaimRound, recorded: boolean) {
    if (!recorded) round.complete = false;
    if (--round.waiting === 0) round.finished();
  }

  /**
   * Sends a claimed first attempt and writes its delivery with the result. The hot path of a backlog, so it is
   * a plain chain of callbacks: no promise of its own per attempt beyond the send and the log write.
   */
  function startFirstAttempt(attempt: ReadyAttempt) {
    const { event, endpoint, id, round } = attempt;
    // A ready attempt whose lease would run out before its deadline is left to be claimed again.
    if (round.taken.leaseEndsAt - clock.now().getTime() < leaseLeftToStart) return attemptEnded(round, false);
    inFlight.add(attempt);
    const { id: eventId, type, appId, createdAt, data } = event;
    const payload = JSON.stringify({ id: eventId, type, appId, createdAt, data });
    const startedAt = clock.now();
    let sending: Promise<SendResult>;
    try {
      let secrets = round.secrets.get(endpoint.id);
      if (!secrets) round.secrets.set(endpoint.id, (secrets = signingSecrets(secretBox, endpoint, startedAt)));
      sending = sender.send({ url: endpoint.url, eventId, payload, secrets });
    } catch (err) {
      sending = Promise.reject(err);
    }
    sending
      .then((result) => {
        release(attempt);
        const verdict = judgeAttempt(result, 1, config.WEBHOOK_RETRY_SCHEDULE);
        const at = clock.now();
        const first = { event, webhookId: endpoint.id, id, payload };
        const doc = deliveryAfterFirstAttempt(first, startedAt.toISOString(), result, verdict, at);
        // Not written: the process that held the claim before us wrote it.
        return deliveryLog.insert(doc).then((written) => (written ? afterVerdict(endpoint, verdict, at) : undefined));
      })
      .then(
        () => attemptEnded(round, true),
        (err: unknown) => {
          log.error({ err, deliveryId: id }, 'webhook attempt could not be recorded; it will be tried again');
          release(attempt);
          attemptEnded(round, false);
        },
      );
  }

  /**
   * Runs one attempt within the concurrency limit: its slot is taken for the request and given back once the
   * attempt calls `sent`, so that recording the result never holds a request back. Resolves false when the
   * result could not be recorded.
   */
  function startAttempt(work: (sent: () => void) => Promise<void>, context: Record<string, string>) {
    const slot = {};
    inFlight.add(slot);
    const sent = () => release(slot);
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

  // Claims on outbox events: in memory when no other process writes the store (the default then), else leases.
  const claimsOptions = {
    outbox,
    clock,
    limit: capacity * BACKLOG_WINDOWS,
    leaseMs,
    pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
  };
  const claims =
    (deps.webhookClaims ?? (store.singleProcess ? 'memory' : 'store')) === 'memory'
      ? memoryClaims(store, claimsOptions, deps.bus.lossless === true)
      : storeClaims(claimsOptions);

  /** The attempts of a claimed round, and those of them the delivery log already has. */
  async function roundAttempts(
    round: ClaimRound,
    candidates: OutboxEvent[],
  ): Promise<{ pairs: ReadyAttempt[]; written: Set<string> }> {
    const { events } = round.taken;
    const appIds = [...new Set(events.map((e) => e.appId))];
    const endpoints = await coll.all.endpoints.find({ appId: { $in: appIds }, enabled: true });
    const pairs: ReadyAttempt[] = events.flatMap((event) =>
      endpoints
        .filter((w) => w.appId === event.appId && subscribes(w, event.type))
        .map((endpoint) => ({ event, endpoint, id: deliveryIdFor(event.id, endpoint.id), round })),
    );
    // An event an earlier claim did not finish may have deliveries written already: those endpoints are
    // not sent again. Fresh events skip the look-up.
    const rechecked = new Set(candidates.filter((e) => claims.maybeStarted(e)).map((e) => e.id));
    const recheck = pairs.filter((p) => rechecked.has(p.event.id)).map((p) => p.id);
    return { pairs, written: await loggedDeliveries(store, recheck) };
  }

  async function claimEvents(): Promise<void> {
    while (room() > 0) {
      const now = clock.now();
      // One read of the outbox serves several claims; a candidate another process took meanwhile simply fails
      // the claim.
      if (backlog.length === 0) {
        backlog = await claims.read(now);
        if (backlog.length === 0) return;
      }
      const candidates = backlog.splice(0, Math.min(room(), 2 * capacity));
      const taken = await claims.take(candidates, now);
      if (!taken) continue;
      let finished!: () => void;
      const roundDone = new Promise<void>((resolve) => (finished = resolve));
      const round: ClaimRound = { taken, waiting: 0, complete: true, finished, secrets: new Map() };
      // A look-up that fails lets the claim go as unfinished (memory claims hold the events for a lease, then
      // recheck the delivery log), so the events are not held until a restart.
      const { pairs, written } = await roundAttempts(round, candidates).catch(async (err: unknown) => {
        await claims.finish(taken, false);
        throw err;
      });
      for (const p of pairs) {
        if (written.has(p.id)) continue;
        ready.push(p);
        round.waiting++;
      }
      if (round.waiting === 0) finished();
      pump();
      const tracked = roundDone
        .then(() => claims.finish(taken, round.complete))
        .catch((err: unknown) => log.error({ err }, 'could not mark events dispatched; they will be claimed again'))
        .finally(() => batches.delete(tracked));
      batches.add(tracked);
    }
  }

  async function claimRetries(): Promise<void> {
    while (free() > 0) {
      const now = clock.now();
      const due = { status: 'pending', availableAt: { $lte: now.toISOString() } };
      const candidates = await coll.all.deliveries.find(due, { sort: { availableAt: 1 }, limit: free() });
      if (candidates.length === 0) return;
      const claim = randomUUID();
      const ids = candidates.map((d) => d.id);
      await coll.all.deliveries.updateMany(
        { ...due, id: { $in: ids } },
        { set: { claim, availableAt: leaseEnd(now) } },
      );
      const claimed = await coll.all.deliveries.find({ id: { $in: ids }, claim });
      if (claimed.length === 0) continue;
      const endpoints = await coll.all.endpoints.find({ id: { $in: [...new Set(claimed.map((d) => d.webhookId))] } });
      const byId = new Map(endpoints.map((e) => [e.id, e]));
      for (const delivery of claimed) {
        const endpoint = byId.get(delivery.webhookId);
        void startAttempt((sent) => retryAttempt(delivery, claim, endpoint, sent), { deliveryId: delivery.id });
      }
    }
  }

  async function retryAttempt(
    delivery: DeliveryDoc,
    claim: string,
    endpoint: WebhookEndpointDoc | undefined,
    sent: () => void,
  ) {
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
    sent();
    const verdict = judgeAttempt(result, delivery.roundAttempts + 1, config.WEBHOOK_RETRY_SCHEDULE);
    const at = clock.now();
    const saved = await coll.all.deliveries.updateOne(mine, {
      set: applyAttempt(delivery, result, verdict, at),
      unset: ['claim'],
    });
    if (!saved) log.warn({ deliveryId: delivery.id }, 'webhook delivery claim was lost before its result was saved');
    else await afterVerdict(endpoint, verdict, at);
  }

  /** What follows a recorded attempt: a retry's timer, and the endpoint's run of failures. */
  function afterVerdict(endpoint: WebhookEndpointDoc, verdict: AttemptVerdict, at: Date): Promise<unknown> | undefined {
    if (verdict.outcome === 'retry' && verdict.retryInMs !== null) schedule(verdict.retryInMs);
    return health.recorded(endpoint, verdict.outcome, at);
  }

  // Dispatched events are kept for EVENT_RETENTION_DAYS (redelivery and data export read them), then pruned.
  const retentionMs = config.EVENT_RETENTION_DAYS * 86_400_000;
  const pruneEveryMs = Math.min(10 * 60_000, retentionMs / 10);
  let prunedAt = 0;
  async function pruneOutbox(): Promise<void> {
    const now = clock.now().getTime();
    if (now - prunedAt < pruneEveryMs) return;
    prunedAt = now;
    const removed = await outbox.deleteMany({ dispatchedAt: { $lt: new Date(now - retentionMs).toISOString() } });
    if (removed > 0) log.debug({ removed }, 'pruned dispatched events past retention');
  }

  async function pass(): Promise<void> {
    try {
      await pruneOutbox();
      // Due retries are looked for on the poll and on retry timers; refills after finished attempts
      // only take new events, unless the last look left retries behind for want of room.
      if (wantRetries) {
        wantRetries = false;
        await claimRetries();
        if (free() === 0) wantRetries = true;
      }
      await claimEvents();
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

  /** Asks for a pass in `inMs` (a later poll covers waits longer than the poll interval). */
  function schedule(inMs: number) {
    if (stopping) return;
    if (inMs <= 0) {
      void run();
      return;
    }
    if (inMs >= config.WEBHOOK_POLL_INTERVAL_MS) return;
    clearTimeout(wakeTimer);
    wakeTimer = setTimeout(() => {
      wantRetries = true;
      void run();
    }, inMs);
  }

  return {
    async start() {
      claims.start();
      stopping = false;
      unsubscribe = await deps.bus.subscribe(EVENTS_TOPIC, (message) => {
        const { type, id } = (message ?? {}) as { type?: unknown; id?: unknown };
        if (typeof type !== 'string' || !isEventType(type)) return;
        if (typeof id === 'string') claims.heard(id);
        schedule(0);
      });
      const poll = () => {
        pollTimer = setTimeout(() => {
          wantRetries = true;
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
      await Promise.all([...unrecorded]);
      await Promise.all([...batches]);
      await sender.close();
      claims.stop();
    },
    poke: () => {
      wantRetries = true;
      return run();
    },
  };
}

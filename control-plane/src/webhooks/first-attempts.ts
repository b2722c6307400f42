// First attempts: claims new events in the outbox, sends each to its subscribed endpoints, and writes each
// delivery with its result; a claim is finished (its events marked dispatched, or let go) once all are recorded.
import { insertBatcher, type DocumentStore } from '@beamline/core';
import { deliveryAfterFirstAttempt, judgeAttempt } from './attempt';
import { signingSecrets, subscribes } from './endpoints';
import type { OutboxClaims, OutboxEvent, Taken } from './outbox-claims';
import type { SendResult } from './sender';
import type { AttemptDeps } from './slots';
import { deliveryIdFor, loggedDeliveries, type WebhookCollections, type WebhookEndpointDoc } from './store';

/** A ready attempt starts only while its claim outlives the attempt's deadline by at least this much. */
const START_MARGIN_MS = 1_000;
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

export interface FirstAttempts {
  /** Claims new events while there is room for their attempts; resolves once claimed (the attempts run on). */
  claim(): Promise<void>;
  /** Starts ready attempts while slots are free; runs on stop too, so claimed work drains. */
  pump(): void;
  /** First attempts to claim now. */
  room(): number;
  /** Resolves once every claim so far is finished. */
  settled(): Promise<void>;
}

export function firstAttempts(
  deps: AttemptDeps & {
    store: DocumentStore;
    coll: WebhookCollections['all'];
    claims: OutboxClaims;
  },
): FirstAttempts {
  const { config, clock, secretBox, log, sender, slots, afterVerdict, store, coll, claims } = deps;
  const capacity = slots.capacity;
  // First attempts finish in bursts; their delivery-log entries are written together.
  const deliveryLog = insertBatcher(coll.deliveries);
  // A claim's lease stays as short as one attempt needs, so that the work of a process that died is taken again
  // soon. A ready attempt whose lease would run out before its deadline is not started: its event is left to
  // be claimed again (the delivery log tells which endpoints it already reached).
  const leaseLeftToStart = config.WEBHOOK_TIMEOUT_MS + START_MARGIN_MS;
  /** First attempts claimed and waiting for a free slot, so that sending never waits for a claim. */
  const ready: ReadyAttempt[] = [];
  /** Claims whose events are not marked dispatched (or released) yet. */
  const batches = new Set<Promise<unknown>>();
  let backlog: OutboxEvent[] = [];

  /**
   * While a window of first attempts is ready, claims wait for a whole window of room, so that a claim (and the
   * write marking its events dispatched) covers many events rather than one per freed slot.
   */
  function room() {
    const open = slots.stopping ? 0 : (READY_WINDOWS + 1) * capacity - slots.busy - ready.length;
    return ready.length >= capacity && open < capacity ? 0 : open;
  }

  function pump() {
    while (slots.open() && ready.length > 0) startFirstAttempt(ready.shift()!);
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
    slots.take(attempt);
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
        slots.release(attempt);
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
          slots.release(attempt);
          attemptEnded(round, false);
        },
      );
  }

  /** The attempts of a claimed round, and those of them the delivery log already has. */
  async function roundAttempts(
    round: ClaimRound,
    candidates: OutboxEvent[],
  ): Promise<{ pairs: ReadyAttempt[]; written: Set<string> }> {
    const { events } = round.taken;
    const appIds = [...new Set(events.map((e) => e.appId))];
    const endpoints = await coll.endpoints.find({ appId: { $in: appIds }, enabled: true });
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

  async function claim(): Promise<void> {
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

  return {
    claim,
    pump,
    room,
    settled: async () => {
      await Promise.all([...batches]);
    },
  };
}

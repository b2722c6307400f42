// Claims on outbox events, so that no two dispatchers send an event's first attempts together. Two kinds: a lease
// written on the event (shared stores: several processes), or the events one dispatcher holds in memory (a store
// no other process writes, the embedded default), which costs no write per event.
import { randomUUID } from 'node:crypto';
import type { Collection, DocumentStore, StoredEvent } from '@beamline/core';
import type { Clock } from '../context';

/** Ids of events heard on the bus kept to tell new events from ones an earlier run may have sent, at most. */
const FRESH_IDS_KEPT = 100_000;
/**
 * Memory claims on a lossless (in-process) bus: how often the whole outbox is read for events the bus did not
 * announce. In between, only the events heard on the bus are read, by id, so that the cost of a pass does not
 * grow with the retained history. A networked bus can drop announcements, so there the whole outbox is read on
 * every poll, as with claims in the store.
 */
const FULL_SCAN_EVERY_MS = 30_000;

/** The outbox document with its lease while a dispatcher sends an event's first attempts (store claims). */
export interface OutboxEvent extends StoredEvent {
  claim?: string;
  claimedUntil?: string;
}

/** Events now claimed by this dispatcher. */
export interface Taken {
  events: OutboxEvent[];
  /** The lease's id (store claims). */
  claim: string | null;
  /** When the lease ends (ms): an attempt needing longer is not started. */
  leaseEndsAt: number;
}

export interface OutboxClaims {
  /** The next candidates, oldest first. */
  read(now: Date): Promise<OutboxEvent[]>;
  /** Claims candidates; null when another dispatcher took them all. */
  take(candidates: OutboxEvent[], now: Date): Promise<Taken | null>;
  /** Whether an event may have reached some endpoints already (a claim of it ended without marking it). */
  maybeStarted(candidate: OutboxEvent): boolean;
  /** Marks the events dispatched when every first attempt was recorded; otherwise lets them be claimed again. */
  finish(taken: Taken, complete: boolean): Promise<void>;
  /** An event announced on the bus. */
  heard(id: string): void;
  start(): void;
  stop(): void;
}

export interface ClaimsOptions {
  outbox: Collection<OutboxEvent>;
  clock: Clock;
  /** Candidates read at once. */
  limit: number;
  /** How long a claim lasts (store claims), or a failed round holds its events (memory claims). */
  leaseMs: number;
  /** How often the dispatcher polls: the longest wait for an event a networked bus did not announce. */
  pollIntervalMs: number;
}

const pending = { dispatchedAt: { $exists: false } };

/** Leases written on the events: any number of processes on one shared store. */
export function storeClaims({ outbox, clock, limit, leaseMs }: ClaimsOptions): OutboxClaims {
  const claimable = (now: Date) => ({
    ...pending,
    $or: [{ claimedUntil: { $exists: false } }, { claimedUntil: { $lte: now.toISOString() } }],
  });
  return {
    read: (now) => outbox.find(claimable(now), { sort: { createdAt: 1 }, limit }),
    async take(candidates, now) {
      const claim = randomUUID();
      const ids = candidates.map((e) => e.id);
      const claimedUntil = new Date(now.getTime() + leaseMs).toISOString();
      const took = await outbox.updateMany({ ...claimable(now), id: { $in: ids } }, { set: { claim, claimedUntil } });
      // Usually every candidate is ours; only when another process took some is the claim read back.
      const events =
        took === candidates.length
          ? candidates.map((e) => ({ ...e, claim, claimedUntil }))
          : await outbox.find({ id: { $in: ids }, claim });
      return events.length === 0 ? null : { events, claim, leaseEndsAt: now.getTime() + leaseMs };
    },
    maybeStarted: (candidate) => candidate.claim !== undefined,
    async finish({ events, claim }, complete) {
      // an unfinished claim runs out by itself
      if (!complete) return;
      await outbox.updateMany(
        { id: { $in: events.map((e) => e.id) }, claim },
        { set: { dispatchedAt: clock.now().toISOString() }, unset: ['claim', 'claimedUntil'] },
      );
    },
    heard: () => undefined,
    start: () => undefined,
    stop: () => undefined,
  };
}

/** Stores with a dispatcher that claims in memory: there can be one per store, or two would share events. */
const claimingInMemory = new WeakSet<DocumentStore>();

/**
 * The events this dispatcher holds, in memory: one that dies holds nothing, and what it left undispatched is
 * found again by the next start, which reads the delivery log before sending such events.
 */
export function memoryClaims(
  store: DocumentStore,
  { outbox, clock, limit, leaseMs, pollIntervalMs }: ClaimsOptions,
  busIsLossless: boolean,
): OutboxClaims {
  const held = new Set<string>();
  /** Events whose last round did not record every attempt: the delivery log is read before they are sent. */
  const unfinished = new Set<string>();
  /** Events heard on the bus and not read from the outbox yet. */
  const unread = new Set<string>();
  /** Events heard on the bus since this dispatcher started: no earlier run can have sent them. */
  const fresh = new Set<string>();
  /** When the whole outbox was last read, and whether it must be read again before the interval is up. */
  let scannedAt = Number.NEGATIVE_INFINITY;
  let scanAgain = true;
  const fullScanEveryMs = busIsLossless ? FULL_SCAN_EVERY_MS : pollIntervalMs;

  /** Lets held events go after as long as a lease; they are rechecked against the delivery log when taken again. */
  function releaseLater(ids: string[]) {
    for (const id of ids) unfinished.add(id);
    setTimeout(() => {
      for (const id of ids) held.delete(id);
      scanAgain = true;
    }, leaseMs).unref();
  }

  return {
    async read(now) {
      let found: OutboxEvent[] = [];
      if (scanAgain || now.getTime() - scannedAt >= fullScanEveryMs) {
        unread.clear(); // the scan reads them too
        found = await outbox.find(pending, { sort: { createdAt: 1 }, limit });
        scannedAt = now.getTime();
        scanAgain = found.length === limit; // more are waiting
      } else if (unread.size > 0) {
        const ids = [...unread];
        unread.clear();
        found = await outbox.find({ ...pending, id: { $in: ids } }, { sort: { createdAt: 1 } });
      }
      return found.filter((e) => !held.has(e.id));
    },
    async take(candidates) {
      const events = candidates.filter((e) => !held.has(e.id));
      for (const e of events) held.add(e.id);
      return events.length === 0 ? null : { events, claim: null, leaseEndsAt: Number.POSITIVE_INFINITY };
    },
    maybeStarted: (candidate) => unfinished.has(candidate.id) || !fresh.has(candidate.id),
    async finish({ events }, complete) {
      const ids = events.map((e) => e.id);
      if (!complete) return releaseLater(ids);
      try {
        await outbox.updateMany({ id: { $in: ids } }, { set: { dispatchedAt: clock.now().toISOString() } });
      } catch (err) {
        releaseLater(ids);
        throw err;
      }
      for (const id of ids) {
        held.delete(id);
        unfinished.delete(id);
        fresh.delete(id);
      }
    },
    heard(id) {
      if (fresh.size >= FRESH_IDS_KEPT) fresh.delete(fresh.values().next().value!);
      fresh.add(id);
      if (unread.size >= FRESH_IDS_KEPT) {
        unread.clear();
        scanAgain = true;
      } else unread.add(id);
    },
    start() {
      if (claimingInMemory.has(store))
        throw new Error('a webhook dispatcher already claims in memory on this store; one per store');
      claimingInMemory.add(store);
      scanAgain = true;
    },
    stop: () => void claimingInMemory.delete(store),
  };
}

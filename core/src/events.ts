// Publishing a platform event: written to the durable `events` outbox first, then put on the bus.
// Webhook delivery reads the outbox; realtime nodes read the bus. Same envelope for both.
import { newId, type EventEnvelope, type EventPayloads, type AnyEventType } from '@beamline/protocol';
import type { EventBus } from './bus';
import {
  DuplicateKeyError,
  insertBatcher,
  tenantCollection,
  type Collection,
  type DocumentStore,
  type TenantCollection,
} from './store';

export const EVENTS_TOPIC = 'events';
/** Usage facts for metering that are no platform event (a realtime connection): `{type, appId, userId}`. */
export const USAGE_TOPIC = 'usage';

/** The outbox document: the envelope plus dispatch bookkeeping for the webhook dispatcher. */
export interface StoredEvent {
  id: string;
  appId: string;
  type: string;
  createdAt: string;
  data: unknown;
  /** Set once the webhook dispatcher has fanned the event out into deliveries. */
  dispatchedAt?: string;
}

export interface PublishOptions {
  /**
   * The event's id, for an event about one thing that may be published again (a resent chat message): the outbox
   * keeps one event per id, and publishing it again only puts it on the bus again.
   */
  id?: string;
  /**
   * The store write the event reports (the message it announces), run beside the outbox write so that both
   * take one round of the store; the event goes on the bus once both are done. When it fails, the event this
   * call wrote is taken back out of the outbox and its error is thrown; when it fails because its document
   * exists already (DuplicateKeyError), the event stays: with a given `id` it reports that same document.
   */
  alongside?: () => Promise<unknown>;
}

export interface EventPublisher {
  publish<T extends keyof EventPayloads>(
    appId: string,
    type: T,
    data: EventPayloads[T],
    options?: PublishOptions,
  ): Promise<EventEnvelope<T>>;
  /** Realtime-only events (typing, presence): on the bus, never stored or sent to webhooks. */
  broadcast<T extends keyof EventPayloads>(appId: string, type: T, data: EventPayloads[T]): Promise<EventEnvelope<T>>;
}

const REALTIME_ONLY = new Set<AnyEventType>(['typing.start', 'typing.stop', 'presence.changed']);

export const OUTBOX = 'events';

/** The event outbox (webhook deliveries read it; data-rights erasure deletes from it), owned by this module. */
export function outboxCollection<T extends StoredEvent = StoredEvent>(store: DocumentStore): Collection<T> {
  return store.collection<T>(OUTBOX);
}

/** One app's events in the outbox. */
export function appOutbox<T extends StoredEvent = StoredEvent>(
  store: DocumentStore,
  appId: string,
): TenantCollection<T> {
  return tenantCollection(outboxCollection<T>(store), appId);
}

export function createEventPublisher(deps: { store: DocumentStore; bus: EventBus; now?: () => Date }): EventPublisher {
  const outbox = outboxCollection(deps.store);
  // Events published together are written together: under a burst (a busy chat) the outbox costs a few writes,
  // not one per event, each of which the next would wait for.
  const outboxWrites = insertBatcher(outbox);
  const envelope = <T extends keyof EventPayloads>(appId: string, type: T, data: EventPayloads[T], id?: string) =>
    ({
      id: id ?? newId('event'),
      type,
      appId,
      createdAt: (deps.now?.() ?? new Date()).toISOString(),
      data,
    }) as EventEnvelope<T>;
  /** Writes the event to the outbox; false when an event with its (given) id is there already. */
  async function record(event: EventEnvelope, given: boolean): Promise<boolean> {
    if (await outboxWrites.insert({ ...event, data: event.data as unknown })) return true;
    if (given) return false;
    throw new DuplicateKeyError(OUTBOX);
  }
  return {
    async publish(appId, type, data, options = {}) {
      const event = envelope(appId, type, data, options.id);
      const stored = REALTIME_ONLY.has(type) ? Promise.resolve(false) : record(event, options.id !== undefined);
      if (options.alongside) {
        const [own, outboxWrite] = await Promise.allSettled([options.alongside(), stored]);
        if (own.status === 'rejected') {
          const exists = own.reason instanceof DuplicateKeyError && options.id !== undefined;
          if (!exists && outboxWrite.status === 'fulfilled' && outboxWrite.value)
            await outbox.deleteOne({ id: event.id }).catch(() => undefined);
          throw own.reason;
        }
        if (outboxWrite.status === 'rejected') throw outboxWrite.reason;
      } else await stored;
      await deps.bus.publish(EVENTS_TOPIC, event);
      return event;
    },
    async broadcast(appId, type, data) {
      const event = envelope(appId, type, data);
      await deps.bus.publish(EVENTS_TOPIC, event);
      return event;
    },
  };
}

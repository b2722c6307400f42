// Publishing a platform event: written to the durable `events` outbox first, then put on the bus.
// Webhook delivery reads the outbox; realtime nodes read the bus. Same envelope for both.
import { newId, type EventEnvelope, type EventPayloads, type AnyEventType } from '@beamline/protocol';
import type { EventBus } from './bus';
import type { DocumentStore } from './store';

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

export interface EventPublisher {
  publish<T extends keyof EventPayloads>(appId: string, type: T, data: EventPayloads[T]): Promise<EventEnvelope<T>>;
  /** Realtime-only events (typing, presence): on the bus, never stored or sent to webhooks. */
  broadcast<T extends keyof EventPayloads>(appId: string, type: T, data: EventPayloads[T]): Promise<EventEnvelope<T>>;
}

const REALTIME_ONLY = new Set<AnyEventType>(['typing.start', 'typing.stop', 'presence.changed']);

export function createEventPublisher(deps: { store: DocumentStore; bus: EventBus; now?: () => Date }): EventPublisher {
  const outbox = deps.store.collection<StoredEvent>('events');
  const envelope = <T extends keyof EventPayloads>(appId: string, type: T, data: EventPayloads[T]) =>
    ({
      id: newId('event'),
      type,
      appId,
      createdAt: (deps.now?.() ?? new Date()).toISOString(),
      data,
    }) as EventEnvelope<T>;
  return {
    async publish(appId, type, data) {
      const event = envelope(appId, type, data);
      if (!REALTIME_ONLY.has(type)) await outbox.insert({ ...event, data: event.data as unknown });
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

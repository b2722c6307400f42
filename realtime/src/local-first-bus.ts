// A realtime node's view of the shared bus: an event it publishes reaches its own subscribers at once, as a
// Socket.IO adapter's broadcast reaches local sockets before it goes to Redis; the other nodes hear it through the
// bus, and the copy that comes back to this node is dropped by the event's id.
import type { BusHandler, EventBus } from '@beamline/core';

/** How long an id waits for its echo; one that never comes back (a lost message) is forgotten then. */
const ECHO_WAIT_MS = 60_000;

const idOf = (message: unknown): string | undefined => {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
};

export function localFirstBus(shared: EventBus): EventBus {
  const handlers = new Map<string, Set<BusHandler>>();
  const unsubscribes = new Map<string, Promise<() => Promise<void>>>();
  /** Ids delivered here when published, by the time they were (in order), until their echo arrives. */
  const awaitingEcho = new Map<string, number>();

  const forgetOld = (now: number) => {
    for (const [id, at] of awaitingEcho) {
      if (now - at < ECHO_WAIT_MS) break;
      awaitingEcho.delete(id);
    }
  };

  return {
    ...(shared.lossless ? { lossless: true } : {}),
    async publish(topic, message) {
      const id = idOf(message);
      const local = handlers.get(topic);
      if (id && local?.size) {
        const now = Date.now();
        forgetOld(now);
        awaitingEcho.set(id, now);
        // A copy, delivered on a later tick, as the shared bus would.
        const copy = structuredClone(message);
        queueMicrotask(() => {
          for (const handler of local) handler(copy);
        });
      }
      await shared.publish(topic, message);
    },
    async subscribe(topic, handler) {
      let local = handlers.get(topic);
      if (!local) {
        const set = new Set<BusHandler>();
        local = set;
        handlers.set(topic, set);
        unsubscribes.set(
          topic,
          shared.subscribe(topic, (message) => {
            const id = idOf(message);
            if (id && awaitingEcho.delete(id)) return; // delivered when published
            for (const h of set) h(message);
          }),
        );
      }
      local.add(handler);
      await unsubscribes.get(topic);
      return async () => {
        local.delete(handler);
        if (local.size > 0 || handlers.get(topic) !== local) return;
        handlers.delete(topic);
        const off = unsubscribes.get(topic);
        unsubscribes.delete(topic);
        await (
          await off
        )?.();
      };
    },
    close: () => shared.close(),
  };
}

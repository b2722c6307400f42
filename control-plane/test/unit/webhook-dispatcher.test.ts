// The dispatcher's claims. In the store (shared stores): a first attempt that waited in the ready queue until its
// claim's lease ran low is not started (another process could take the event meanwhile); the event is claimed
// again later, and the delivery log keeps the endpoints it already reached from being sent twice. In memory (the
// embedded store, which no other process writes): nothing is written to claim an event, an event an earlier run
// left undispatched is sent only where the delivery log lacks it, and one store takes one such dispatcher.
// Time is a fake clock that each attempt moves on, so leases run out without waiting for them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Collection, DocumentStore, EventBus } from '@beamline/core';
import { waitFor } from '@beamline/core/testing';
import { createDispatcher } from '../../src/webhooks/dispatcher';
import { deliveryIdFor, WEBHOOK_ENDPOINTS } from '../../src/webhooks/store';
import type { Sender } from '../../src/webhooks/sender';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

let now = Date.parse('2026-03-01T12:00:00Z');
const clock = { now: () => new Date(now) };
let t: TestControlPlane;

beforeAll(async () => {
  t = await buildTestControlPlane(
    {
      WEBHOOK_DISPATCHER: 'false',
      WEBHOOK_CONCURRENCY: '1',
      // lease: 1 s + 5 s; an attempt starts only with at least 2 s of it left
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    },
    clock,
  );
});
afterAll(() => t.close());

/** A new app with one endpoint per path, each subscribed to stream.updated; returns the app and endpoint ids. */
async function appWithEndpoints(...paths: string[]) {
  const dev = await t.api.register();
  const app = await t.api.createApp(dev.token);
  const hooks: string[] = [];
  for (const path of paths) {
    const hook = await t.api.call('POST', `/v1/apps/${app.appId}/webhooks`, {
      auth: { bearer: dev.token },
      body: { url: `http://127.0.0.1:9/${path}`, events: ['stream.updated'] },
    });
    expect(hook.status).toBe(201);
    hooks.push(hook.body.id);
  }
  return { appId: app.appId, hooks };
}

/** A sender that answers 200 at once, after `onSend`. */
function okSender(onSend: (input: Parameters<Sender['send']>[0]) => void): Sender {
  return {
    send: async (input) => {
      onSend(input);
      return { status: 200, latencyMs: 1, responseExcerpt: 'ok', error: null, retryAfterMs: null, refused: false };
    },
    close: async () => undefined,
  };
}

/** The test store, with `method` of collection `name` replaced by `replace` (given the real method, bound). */
function storeWith(
  name: string,
  method: 'find' | 'updateMany',
  replace: (real: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown,
): DocumentStore {
  const real = t.store.collection(name);
  const proxied = new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(target);
      return prop === method ? replace(bound) : bound;
    },
  }) as Collection<{ id: string }>;
  return {
    kind: t.store.kind,
    singleProcess: true,
    collection: <T extends { id: string }>(n: string) =>
      (n === name ? proxied : t.store.collection<T>(n)) as Collection<T>,
    ensureIndexes: (specs) => t.store.ensureIndexes(specs),
    ping: () => t.store.ping(),
    close: async () => undefined,
  };
}

/** The test store, with `method` of the outbox (the events collection) reporting each call's filter to `seen`. */
function spyOnOutbox(method: 'find' | 'updateMany', seen: (filter: Record<string, unknown>) => void): DocumentStore {
  return storeWith('events', method, (real) => (filter, ...rest) => {
    seen(filter as Record<string, unknown>);
    return real(filter, ...rest);
  });
}

it('leaves an attempt whose lease ran low to a later claim, and sends every event once', async () => {
  const app = await appWithEndpoints('hook');
  const ids: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const event = await t.deps.events.publish(app.appId, 'stream.updated', { streamId: `str_${i}`, changes: ['name'] });
    ids.push(event.id);
    // distinct createdAt (the publisher stamps wall-clock time), so the outbox order is e1, e2, e3
    await waitFor(() => Date.now() > Date.parse(event.createdAt), { intervalMs: 1, what: 'the next millisecond' });
  }

  // Each attempt takes 4.5 s of the fake clock: e1 (claimed with e2 at 0 s) ends at 4.5 s, when e2's lease has
  // 1.5 s left, under the 2 s an attempt needs.
  const sent: string[] = [];
  const sender = okSender((input) => {
    sent.push(input.eventId);
    now += 4_500;
  });
  const dispatcher = createDispatcher({ ...t.deps, webhookClaims: 'store' }, { sender });
  await dispatcher.start();
  try {
    await waitFor(
      async () => {
        await dispatcher.poke();
        return sent.length >= 3;
      },
      { what: 'every event sent', timeoutMs: 10_000 },
    );
    // e2 was skipped in its first claim and sent after e3, from a later claim; e1 was not sent again.
    expect(sent).toEqual([ids[0], ids[2], ids[1]]);
    const outbox = t.store.collection<{ id: string; dispatchedAt?: string }>('events');
    await waitFor(async () => (await outbox.count({ id: { $in: ids }, dispatchedAt: { $exists: true } })) === 3, {
      what: 'every event marked dispatched',
    });
    const log = t.store.collection<{ id: string; eventId: string; status: string }>('webhook_deliveries');
    const deliveries = await log.find({ eventId: { $in: ids } });
    expect(deliveries.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(sent).toHaveLength(3);
  } finally {
    await dispatcher.stop();
  }
});

it('claims in memory on the embedded store: writes no claim, and skips endpoints an earlier run reached', async () => {
  const { appId, hooks } = await appWithEndpoints('a', 'b');
  const event = await t.deps.events.publish(appId, 'stream.updated', { streamId: 'str_left', changes: ['name'] });
  // An earlier run reached endpoint a and died before marking the event dispatched.
  const log = t.store.collection<{ id: string; eventId: string; webhookId: string; status: string }>(
    'webhook_deliveries',
  );
  await log.insert({
    id: deliveryIdFor(event.id, hooks[0]!),
    appId: appId,
    webhookId: hooks[0]!,
    eventId: event.id,
    eventType: 'stream.updated',
    payload: '{}',
    status: 'succeeded',
    roundAttempts: 1,
    attemptCount: 1,
    attempts: [],
    availableAt: event.createdAt,
    createdAt: event.createdAt,
    updatedAt: event.createdAt,
  } as never);

  const sent: string[] = [];
  const sender = okSender((input) => sent.push(input.url));
  const dispatcher = createDispatcher(t.deps, { sender });
  await dispatcher.start();
  try {
    // one embedded store, one dispatcher claiming in memory
    await expect(createDispatcher(t.deps, { sender }).start()).rejects.toThrow(/one per store/);
    const outbox = t.store.collection<{ id: string; dispatchedAt?: string; claim?: string }>('events');
    await waitFor(
      async () => {
        await dispatcher.poke();
        return (await outbox.findOne({ id: event.id }))?.dispatchedAt !== undefined;
      },
      { what: 'the left event marked dispatched', timeoutMs: 10_000 },
    );
    expect(sent).toEqual(['http://127.0.0.1:9/b']);
    const stored = await outbox.findOne({ id: event.id });
    expect(stored).not.toHaveProperty('claim');
    expect(stored).not.toHaveProperty('claimedUntil');
    const deliveries = await log.find({ eventId: event.id });
    expect(deliveries.map((d) => [d.webhookId, d.status]).sort()).toEqual(
      [
        [hooks[0], 'succeeded'],
        [hooks[1], 'succeeded'],
      ].sort(),
    );
  } finally {
    await dispatcher.stop();
  }
});

it('claims in memory: reads the events the bus announces by id, and the whole outbox only at start', async () => {
  const app = await appWithEndpoints('announced');
  // the filters of every read of the outbox
  const reads: Record<string, unknown>[] = [];
  const store = spyOnOutbox('find', (filter) => reads.push(filter));
  const sent: string[] = [];
  const sender = okSender((input) => sent.push(input.eventId));
  const dispatcher = createDispatcher({ ...t.deps, store }, { sender });
  await dispatcher.start();
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await t.deps.events.publish(app.appId, 'stream.updated', { streamId: `str_a${i}`, changes: ['name'] });
      ids.push(e.id);
      await waitFor(() => sent.includes(e.id), { what: `event ${i} sent`, timeoutMs: 10_000 });
    }
    expect(sent.filter((id) => ids.includes(id))).toEqual(ids);
    const whole = reads.filter((f) => !('id' in f));
    const byId = reads.filter((f) => 'id' in f);
    expect(whole).toHaveLength(1);
    expect(byId.length).toBeGreaterThanOrEqual(5);
  } finally {
    await dispatcher.stop();
  }
});

it('claims in memory beside a bus that can lose messages: an event never announced is found by the next poll', async () => {
  const app = await appWithEndpoints('unannounced');
  // a networked bus that lost every announcement
  const lossy: EventBus = {
    lossless: false,
    publish: (topic, message) => t.deps.bus.publish(topic, message),
    subscribe: () => Promise.resolve(async () => undefined),
    close: async () => undefined,
  };
  const sent: string[] = [];
  const dispatcher = createDispatcher(
    { ...t.deps, bus: lossy },
    { sender: okSender((input) => sent.push(input.eventId)) },
  );
  await dispatcher.start();
  try {
    await dispatcher.poke(); // the start's whole read of the outbox
    const e = await t.deps.events.publish(app.appId, 'stream.updated', { streamId: 'str_lost', changes: ['name'] });
    await dispatcher.poke();
    expect(sent).not.toContain(e.id);
    now += 1_000; // one poll interval later the whole outbox is read again
    await waitFor(
      async () => {
        await dispatcher.poke();
        return sent.includes(e.id);
      },
      { what: 'the unannounced event sent', timeoutMs: 10_000 },
    );
  } finally {
    await dispatcher.stop();
  }
});

it('claims a whole window at a time while attempts are ready, so each dispatched mark covers many events', async () => {
  const app = await appWithEndpoints('windows');
  const ids: string[] = [];
  for (let i = 0; i < 48; i++)
    ids.push((await t.deps.events.publish(app.appId, 'stream.updated', { streamId: `str_w${i}`, changes: [] })).id);
  // the number of events each write marks dispatched
  const marks: number[] = [];
  const store = spyOnOutbox('updateMany', (filter) => {
    const id = filter.id as { $in?: string[] } | undefined;
    if (id?.$in?.some((e) => ids.includes(e))) marks.push(id.$in.length);
  });
  const sender: Sender = {
    send: (input) => new Promise((resolve) => setImmediate(resolve)).then(() => okSender(() => undefined).send(input)),
    close: async () => undefined,
  };
  const config = { ...t.deps.config, WEBHOOK_CONCURRENCY: 4 };
  const dispatcher = createDispatcher({ ...t.deps, config, store }, { sender });
  await dispatcher.start();
  try {
    await waitFor(() => marks.reduce((a, b) => a + b, 0) >= ids.length, { what: 'every event marked dispatched' });
    // a window (4) or more each; one per freed slot before
    expect(Math.min(...marks)).toBeGreaterThanOrEqual(4);
  } finally {
    await dispatcher.stop();
  }
});

it('claims in memory: a look-up that fails after a claim lets the event go, and a later pass sends it', async () => {
  const app = await appWithEndpoints('lookup-fails');
  let failures = 1;
  const store = storeWith(
    WEBHOOK_ENDPOINTS,
    'find',
    (real) =>
      (...args) =>
        failures-- > 0 ? Promise.reject(new Error('store unavailable')) : real(...args),
  );
  const sent: string[] = [];
  const dispatcher = createDispatcher({ ...t.deps, store }, { sender: okSender((input) => sent.push(input.eventId)) });
  await dispatcher.start();
  try {
    const e = await t.deps.events.publish(app.appId, 'stream.updated', { streamId: 'str_retry', changes: ['name'] });
    await dispatcher.poke();
    expect(failures).toBe(0); // the look-up failed with the event claimed
    expect(sent).not.toContain(e.id);
    // held for one lease (6 s here), then read and sent again
    await waitFor(
      async () => {
        await dispatcher.poke();
        return sent.includes(e.id);
      },
      { what: 'the event sent after the failed look-up', timeoutMs: 15_000, intervalMs: 250 },
    );
  } finally {
    await dispatcher.stop();
  }
}, 30_000);

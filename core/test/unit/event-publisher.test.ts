// Publishing with a given id and a write alongside, over a real embedded store and the in-process bus: one
// outbox event per id however often it is published, the event on the bus only once both writes are done, and
// no event left behind by a write that failed.
import { afterAll, expect, it } from 'vitest';
import { InProcessBus } from '../../src/bus';
import { createEventPublisher, EVENTS_TOPIC, type StoredEvent } from '../../src/events';
import { DuplicateKeyError, EmbeddedStore } from '../../src/store';
import { tempDir, waitFor } from '../../testing';

const dir = tempDir();
const store = new EmbeddedStore({ dataDir: dir.path });
const bus = new InProcessBus();
const events = createEventPublisher({ store, bus });
const outbox = store.collection<StoredEvent>('events');
const things = store.collection<{ id: string }>('things');
const heard: string[] = [];
const ready = bus.subscribe(EVENTS_TOPIC, (m) => void heard.push((m as { id: string }).id));
afterAll(async () => {
  await store.close();
  dir.remove();
});

const data = { streamId: 'str_1', changes: ['name'] as 'name'[] };
let markers = 0;
/** Returns once everything published so far was delivered: the in-process bus keeps order, so a marker sent last
 * is heard last. */
async function settle(): Promise<void> {
  const marker = `evt_marker${++markers}`;
  await bus.publish(EVENTS_TOPIC, { id: marker });
  await waitFor(() => heard.includes(marker), { what: 'the marker on the bus' });
}

it('keeps one outbox event per given id, and puts it on the bus each time it is published', async () => {
  await ready;
  const first = await events.publish('app_1', 'stream.updated', data, { id: 'evt_given1' });
  const again = await events.publish('app_1', 'stream.updated', data, { id: 'evt_given1' });
  expect(first.id).toBe('evt_given1');
  expect(again.id).toBe('evt_given1');
  expect(await outbox.count({ id: 'evt_given1' })).toBe(1);
  await settle();
  expect(heard.filter((id) => id === 'evt_given1')).toHaveLength(2);
  // without an id, every publish is a new event
  const a = await events.publish('app_1', 'stream.updated', data);
  const b = await events.publish('app_1', 'stream.updated', data);
  expect(a.id).not.toBe(b.id);
});

it('writes alongside, and takes its event back out when the write alongside fails', async () => {
  await events.publish('app_1', 'stream.updated', data, {
    id: 'evt_along1',
    alongside: () => things.insert({ id: 'thing_1' }),
  });
  expect(await things.count({ id: 'thing_1' })).toBe(1);
  expect(await outbox.count({ id: 'evt_along1' })).toBe(1);

  const failing = events.publish('app_1', 'stream.updated', data, {
    id: 'evt_along2',
    alongside: () => Promise.reject(new Error('disk full')),
  });
  await expect(failing).rejects.toThrow('disk full');
  expect(await outbox.count({ id: 'evt_along2' })).toBe(0);
  await settle();
  expect(heard).not.toContain('evt_along2');
});

it('keeps the event when the write alongside finds its document there already (the same thing, the same id)', async () => {
  const duplicate = events.publish('app_1', 'stream.updated', data, {
    id: 'evt_along3',
    alongside: () => Promise.reject(new DuplicateKeyError('things')),
  });
  await expect(duplicate).rejects.toBeInstanceOf(DuplicateKeyError);
  expect(await outbox.count({ id: 'evt_along3' })).toBe(1);
  await settle();
  expect(heard).not.toContain('evt_along3');
});

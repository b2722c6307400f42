// A node's own events reach its subscribers once, at publish time; the other nodes hear them through the bus.
import { InProcessBus } from '@beamline/core';
import { waitFor } from '@beamline/core/testing';
import { expect, it } from 'vitest';
import { localFirstBus } from '../../src/local-first-bus';

it('delivers a published event here at once and once, there through the shared bus, and others as they come', async () => {
  const shared = new InProcessBus();
  // The shared bus delivers in order: once a marker sent after everything else is heard, all before it was too.
  const markers: number[] = [];
  await shared.subscribe('marker', (m) => void markers.push(m as number));
  const settle = async () => {
    const marker = markers.length + 1;
    await shared.publish('marker', marker);
    await waitFor(() => markers.includes(marker), { what: 'the marker' });
  };
  const [a, b] = [localFirstBus(shared), localFirstBus(shared)];
  const heard = { a: [] as unknown[], b: [] as unknown[] };
  const offA = await a.subscribe('events', (m) => heard.a.push(m));
  await b.subscribe('events', (m) => heard.b.push(m));
  const event = { id: 'evt_1', type: 'chat.message.new' };
  await a.publish('events', event);
  await settle();
  expect(heard.a).toEqual([event]);
  expect(heard.b).toEqual([event]);
  expect(heard.a[0]).not.toBe(event); // a copy, as the shared bus gives
  // Published elsewhere (the control plane, straight on the shared bus): every node hears it.
  await shared.publish('events', { id: 'evt_2' });
  await b.publish('events', { id: 'evt_3' });
  await settle();
  expect(heard.a.map((m) => (m as { id: string }).id)).toEqual(['evt_1', 'evt_2', 'evt_3']);
  expect(heard.b.map((m) => (m as { id: string }).id)).toEqual(['evt_1', 'evt_2', 'evt_3']);
  await offA();
  await b.publish('events', { id: 'evt_4' });
  await settle();
  expect(heard.a).toHaveLength(3);
  expect(heard.b).toHaveLength(4);
});

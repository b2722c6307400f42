// The outbox does not grow for ever: dispatched events are pruned after EVENT_RETENTION_DAYS,
// while events not yet dispatched are kept, and delivery logs keep their own copy of the payload.
import { createEventPublisher, createLogger, EmbeddedStore, InProcessBus, SecretBox } from '@beamline/core';
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { controlPlaneDeps, createControlPlane, parseControlPlaneConfig, systemClock } from '../../src';
import { ApiClient } from '../helpers';
import { startReceiver } from './webhooks-support';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

it('prunes dispatched events past retention and keeps the delivery log readable', async () => {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const config = parseControlPlaneConfig({
    DATA_DIR: dir.path,
    JWT_SECRET: randomBytes(32).toString('hex'),
    EDGE_SECRET: randomBytes(32).toString('hex'),
    MASTER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '50',
    EVENT_RETENTION_DAYS: '0',
  });
  const store = new EmbeddedStore({ dataDir: dir.path });
  const bus = new InProcessBus();
  const events = createEventPublisher({ store, bus });
  const cp = await createControlPlane(
    controlPlaneDeps({
      config,
      store,
      bus,
      events,
      log: createLogger({ name: 'test', level: 'silent', pretty: false }),
      clock: systemClock,
      secretBox: new SecretBox(Buffer.from(config.MASTER_KEY, 'hex')),
      // claims in the store, so that an event can stand claimed by another process (below)
      webhookClaims: 'store',
    }),
  );
  await cp.listen(await freePort(), '127.0.0.1');
  cleanups.push(() => cp.close());
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const api = new ApiClient((path, init) => cp.http.app.request(path, init));
  const dev = await api.register();
  const app = await api.createApp(dev.token);
  const hook = await api.call('POST', `/v1/apps/${app.appId}/webhooks`, {
    auth: { bearer: dev.token },
    body: { url: receiver.url, events: ['*'] },
  });
  expect(hook.status).toBe(201);

  const sent = await events.publish(app.appId, 'stream.created', { streamId: 'str_1', name: 'kept in the log' });
  await waitFor(() => receiver.received.length >= 1, { what: 'the delivery' });
  const outbox = store.collection<{ id: string }>('events');
  await waitFor(async () => (await outbox.count({ id: sent.id })) === 0, { what: 'the dispatched event to be pruned' });

  const log = await api.call('GET', `/v1/apps/${app.appId}/webhooks/${hook.body.id}/deliveries`, {
    auth: { bearer: dev.token },
  });
  expect(log.body.data).toHaveLength(1);
  const one = await api.call(
    'GET',
    `/v1/apps/${app.appId}/webhooks/${hook.body.id}/deliveries/${log.body.data[0].id}`,
    {
      auth: { bearer: dev.token },
    },
  );
  expect(one.body.event).toMatchObject({ id: sent.id, data: { name: 'kept in the log' } });

  // An event not dispatched yet (here: claimed by another process for a long time) is never pruned.
  await outbox.insert({
    id: 'evt_waiting',
    appId: app.appId,
    type: 'stream.created',
    createdAt: '2000-01-01T00:00:00.000Z',
    data: {},
  } as never);
  await outbox.updateOne({ id: 'evt_waiting' }, { set: { claimedUntil: '2999-01-01T00:00:00.000Z' } as never });
  // two passes, so that at least one started (and pruned) after the insert
  await cp.webhooks!.poke();
  await cp.webhooks!.poke();
  expect(await outbox.count({ id: 'evt_waiting' })).toBe(1);
});

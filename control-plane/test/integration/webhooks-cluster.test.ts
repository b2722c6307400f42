// Several dispatchers on one store (as several control-plane processes on one MongoDB) share the work
// through leases: every event is delivered, and no attempt is sent twice.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventPublisher, createLogger, EmbeddedStore, InProcessBus, SecretBox } from '@beamline/core';
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import {
  controlPlaneDeps,
  createControlPlane,
  parseControlPlaneConfig,
  systemClock,
  type ControlPlane,
} from '../../src';
import { apiClient, newDeveloperApp, startReceiver, type Receiver } from './webhooks-support';

const EVENTS = 300;
const dir = tempDir();
const planes: ControlPlane[] = [];
let receiver: Receiver | undefined;

afterAll(async () => {
  for (const p of planes) await p.close();
  await receiver?.close();
  dir.remove();
});

describe('three dispatchers, one store', () => {
  it('deliver every event exactly once when nothing fails', async () => {
    const store = new EmbeddedStore({ dataDir: dir.path });
    const bus = new InProcessBus();
    const config = parseControlPlaneConfig({
      NODE_ENV: 'test',
      DATA_DIR: dir.path,
      JWT_SECRET: randomBytes(32).toString('hex'),
      EDGE_SECRET: randomBytes(32).toString('hex'),
      MASTER_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_CONCURRENCY: '4',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    });
    const deps = {
      config,
      store,
      bus,
      events: createEventPublisher({ store, bus }),
      log: createLogger({ name: 'test', level: 'silent', pretty: false }),
      clock: systemClock,
      secretBox: new SecretBox(Buffer.from(config.MASTER_KEY, 'hex')),
      // three processes on one shared store: claims go through the store, as on MongoDB
      webhookClaims: 'store' as const,
    };
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const plane = await createControlPlane(controlPlaneDeps(deps));
      ports.push((await plane.listen(await freePort(), '127.0.0.1')).port);
      planes.push(plane);
    }
    receiver = await startReceiver(() => ({ status: 200, delayMs: 5 }));
    const api = apiClient(`http://127.0.0.1:${ports[0]}`);
    const { token, appId } = await newDeveloperApp(api);
    const hook = await api.call('POST', `/v1/apps/${appId}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['*'] },
    });
    expect(hook.status).toBe(201);

    const ids = new Set<string>();
    for (let i = 0; i < EVENTS; i++) {
      ids.add((await deps.events.publish(appId, 'viewer.joined', { streamId: 's', viewerId: `v${i}` })).id);
    }
    await waitFor(() => receiver!.received.length >= EVENTS, { timeoutMs: 60_000, what: 'every event' });
    // every control plane closes, finishing the attempts it had claimed: whatever was to be sent twice has been
    for (const p of planes.splice(0)) await p.close();
    const sent = receiver.received.map((r) => r.headers['webhook-id'] as string);
    expect(sent).toHaveLength(EVENTS);
    expect(new Set(sent)).toEqual(ids);
  });
});

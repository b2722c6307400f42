// Nothing is lost when the process dies: 500 events queued for a slow receiver, the platform killed
// with SIGKILL twice while delivering, restarted each time; every event must arrive at least once.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@beamline/core/testing';
import { spawnPlatform, startTestPlatform, testEnv, type PlatformProcess } from '@beamline/testkit';
import { apiClient, newDeveloperApp, startReceiver, type Receiver } from './webhooks-support';

const EVENTS = 500;
let receiver: Receiver | undefined;
let child: PlatformProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await child?.kill();
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 while delivering', () => {
  it('delivers every queued event at least once, duplicates under the same Webhook-Id', async () => {
    receiver = await startReceiver(() => ({ status: 200, delayMs: 100 }));
    const env = await testEnv({
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_CONCURRENCY: '8',
      WEBHOOK_POLL_INTERVAL_MS: '200',
      WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s',
    });
    dataDir = env.DATA_DIR!;

    // Queue the events with the dispatcher off, the way an API-only node of a cluster would.
    const writer = await startTestPlatform({ ...env, WEBHOOK_DISPATCHER: 'false' });
    const api = apiClient(writer.urls.api);
    const { token, appId } = await newDeveloperApp(api);
    const hook = await api.call('POST', `/v1/apps/${appId}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['stream.updated'] },
    });
    expect(hook.status).toBe(201);
    const ids = new Set<string>();
    for (let i = 0; i < EVENTS; i++) {
      const e = await writer.controlPlane.events.publish(appId, 'stream.updated', {
        streamId: `str_${i}`,
        changes: ['name'],
      });
      ids.add(e.id);
    }
    await writer.stop();
    expect(receiver.received).toHaveLength(0);

    const distinct = () => new Set(receiver!.received.map((r) => r.headers['webhook-id'] as string));

    // First kill: early, while the outbox is being fanned out or the first attempts are in flight.
    child = await spawnPlatform(env);
    await waitFor(() => receiver!.received.length >= 1, { timeoutMs: 30_000, what: 'a first delivery' });
    await child.kill('SIGKILL');
    // Second kill: in the middle of the queue.
    child = await spawnPlatform(env);
    await waitFor(() => distinct().size >= 200, { timeoutMs: 60_000, what: '200 events delivered' });
    await child.kill('SIGKILL');
    const beforeLastRestart = distinct().size;
    expect(beforeLastRestart).toBeLessThan(EVENTS);

    child = await spawnPlatform(env);
    await waitFor(() => distinct().size >= EVENTS, { timeoutMs: 90_000, intervalMs: 200, what: 'all events' });
    expect(distinct()).toEqual(ids);
    for (const r of receiver.received) {
      const body = JSON.parse(r.body) as { id: string };
      expect(r.headers['webhook-id']).toBe(body.id);
    }
    console.log(
      `webhooks-crash: ${EVENTS} events, ${receiver.received.length} requests (${receiver.received.length - EVENTS} duplicates after 2 kills)`,
    );

    const failed = await apiClient(child.api).call(
      'GET',
      `/v1/apps/${appId}/webhooks/${hook.body.id}/deliveries?status=failed`,
      { token },
    );
    expect(failed.body.data).toEqual([]);
    await child.kill('SIGTERM');
  });

  it('a graceful stop lets the attempt in flight finish and records it; a restart does not send it again', async () => {
    const slow = await startReceiver(() => ({ status: 200, delayMs: 1_500 }));
    try {
      const env = await testEnv({ WEBHOOK_POLL_INTERVAL_MS: '100' });
      const first = await startTestPlatform(env);
      const api = apiClient(first.urls.api);
      const { token, appId } = await newDeveloperApp(api);
      const hook = await api.call('POST', `/v1/apps/${appId}/webhooks`, {
        token,
        body: { url: slow.url, events: ['*'] },
      });
      const event = await first.controlPlane.events.publish(appId, 'stream.deleted', { streamId: 'str_x' });
      await waitFor(() => slow.received.length === 1, { what: 'the attempt to be in flight' });
      const stopping = Date.now();
      await first.stop();
      expect(Date.now() - stopping).toBeGreaterThanOrEqual(1_000); // it waited for the receiver's answer

      const second = await startTestPlatform(env);
      try {
        const log = await apiClient(second.urls.api).call(
          'GET',
          `/v1/apps/${appId}/webhooks/${hook.body.id}/deliveries`,
          { token },
        );
        expect(log.body.data).toMatchObject([{ eventId: event.id, status: 'succeeded', attemptCount: 1 }]);
        // an event after it reaches the receiver: the restarted dispatcher has been through the outbox in order
        const after = await second.controlPlane.events.publish(appId, 'stream.deleted', { streamId: 'str_y' });
        await waitFor(() => slow.received.length >= 2, { what: 'the next event' });
        expect(slow.received.map((r) => JSON.parse(r.body).id)).toEqual([event.id, after.id]);
      } finally {
        await second.close();
      }
    } finally {
      await slow.close();
    }
  });
});

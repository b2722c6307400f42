// Failure drill, cluster mode with the supervisor on: kill -9 the control plane in the middle of a
// burst of API writes, kill -9 the media edge under an OBS-like publisher, restart Redis mid-traffic.
// No acknowledged write or event is lost, and the publisher gets back on air by itself.
import { waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrill, webhooksFor, type Drill } from '../drill';

let drill: Drill;
beforeAll(async () => {
  drill = await startDrill({ services: ['control-plane', 'media-edge'], restartDelayMs: 300 });
}, 90_000);
afterAll(async () => {
  await drill?.close();
});

describe('drill: kill -9 and restarts under load', () => {
  it('keeps every acknowledged write and its webhook across a kill -9 of the control plane', async () => {
    const acknowledged: string[] = [];
    let failed = 0;
    const deadline = Date.now() + 25_000;
    // Writers go on until 40 writes are acknowledged: some before the crash, some after the restart.
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; acknowledged.length < 40 && Date.now() < deadline; i++) {
        try {
          const res = await drill.api('/streams', {
            method: 'POST',
            body: JSON.stringify({ name: `burst ${w}-${i}` }),
          });
          if (res.status === 201) acknowledged.push(((await res.json()) as any).id);
          else failed++;
        } catch {
          failed++; // the connection died with the process: not acknowledged, may or may not exist
          await new Promise((r) => setTimeout(r, 200)); // a writer's back-off while the process is down
        }
      }
    });
    await waitFor(() => acknowledged.length >= 10, { timeoutMs: 20_000, what: 'writes to flow' });
    await drill.cluster.kill('control-plane', 'SIGKILL');
    await Promise.all(writers);
    await drill.cluster.waitReady('control-plane', 30_000);
    expect(drill.cluster.services.get('control-plane')!.starts()).toBe(2);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
    console.info(
      `control-plane drill: ${acknowledged.length} writes acknowledged, ${failed} refused during the outage`,
    );

    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = (await (await drill.api(`/streams?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json()) as any;
      for (const s of page.data) listed.add(s.id);
      cursor = page.nextCursor;
    } while (cursor);
    expect(acknowledged.filter((id) => !listed.has(id))).toEqual([]);
    await webhooksFor(drill, 'stream.created', acknowledged, 30_000);
  });

  it('gets an OBS-like publisher back on air after a kill -9 of the edge', async () => {
    const stream = await drill.createStream('survives the edge crash');
    const obs = drill.obs(stream.streamKey, 60);
    await waitFor(async () => (await drill.statusOf(stream.id)) === 'live', {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the stream to go live',
    });
    await waitFor(() => drill.watch(stream.playbackId).then(() => true), { timeoutMs: 15_000, what: 'HLS to play' });

    await drill.cluster.kill('media-edge', 'SIGKILL');
    await drill.cluster.waitReady('media-edge', 30_000);
    // the publisher reconnects on its own, within the stream's reconnect window
    await waitFor(() => obs.launches() >= 2, { timeoutMs: 15_000, what: 'the publisher to relaunch' });
    await waitFor(() => drill.watch(stream.playbackId).then(() => true), {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'HLS to play from the restarted edge',
    });
    expect(await drill.statusOf(stream.id)).toBe('live');
    await webhooksFor(drill, 'stream.live', [stream.id]);
    await obs.stop();
  });

  it('keeps the API and webhooks working across a Redis restart mid-traffic', async () => {
    const before = await drill.createStream('before the Redis restart');
    await drill.cluster.restartRedis();
    const after: string[] = [];
    await waitFor(
      async () => {
        const res = await drill.api('/streams', { method: 'POST', body: JSON.stringify({ name: 'after Redis' }) });
        if (res.status === 201) after.push(((await res.json()) as any).id);
        return after.length >= 3;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'writes to succeed after the Redis restart' },
    );
    await webhooksFor(drill, 'stream.created', [before.id, ...after]);
  });
});

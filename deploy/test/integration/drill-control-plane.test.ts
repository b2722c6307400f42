// Failure drill, cluster mode (control plane and media edge as separate processes over Redis):
// a hung, then killed (-9) control plane while ffmpeg publishes and webhooks flow. The edge keeps
// serving HLS of the live stream, refuses new publishes within a bounded wait, and everything
// recovers when the control plane is back, with every acknowledged event delivered as a webhook.
import { waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrill, webhooksFor, type Drill } from '../drill';

let drill: Drill;
beforeAll(async () => {
  drill = await startDrill({ services: ['control-plane', 'media-edge'], supervise: false });
}, 90_000);
afterAll(async () => {
  await drill?.close();
});

const refusedCount = () =>
  drill.logs.filter((l) => l.includes('"msg":"publish refused"') && l.includes('unavailable')).length;

describe('drill: slow, then dead control plane', () => {
  it('keeps HLS of a live stream flowing, refuses new publishes within a bounded wait, and recovers', async () => {
    const { cluster } = drill;
    const live = await drill.createStream('live through the outage');
    drill.publish(live.streamKey, 75);
    await waitFor(async () => (await drill.statusOf(live.id)) === 'live', {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the stream to go live',
    });
    await waitFor(() => drill.watch(live.playbackId).then(() => true), { timeoutMs: 15_000, what: 'HLS to play' });

    // 1. Hung control plane (SIGSTOP: connections open, nothing answers).
    const waiting = await drill.createStream('published while the control plane hangs');
    await cluster.kill('control-plane', 'SIGSTOP');
    const before = refusedCount();
    const startedAt = Date.now();
    const ended = await drill.publish(waiting.streamKey, 30).exited;
    const waitedMs = ended.at - startedAt;
    expect(ended.code).not.toBe(0); // the publisher was turned away…
    expect(waitedMs).toBeLessThan(10_000); // …within a bounded wait, not left hanging
    await waitFor(() => refusedCount() > before, { timeoutMs: 5_000, what: 'the edge to log the refusal' });
    await drill.watch(live.playbackId); // viewers of the live stream never noticed

    // 2. Dead control plane (kill -9 while hung).
    await cluster.kill('control-plane', 'SIGKILL');
    const deadStart = Date.now();
    const deadEnd = await drill.publish(waiting.streamKey, 30).exited;
    expect(deadEnd.code).not.toBe(0);
    expect(deadEnd.at - deadStart).toBeLessThan(10_000);
    for (let i = 0; i < 3; i++) {
      await drill.watch(live.playbackId);
      await new Promise((r) => setTimeout(r, 1000)); // the point: playback holds for seconds of the outage
    }

    // 3. Recovery: the control plane restarts on the same store; publishing works again.
    cluster.start('control-plane');
    await cluster.waitReady('control-plane', 30_000);
    drill.publish(waiting.streamKey, 30);
    await waitFor(async () => (await drill.statusOf(waiting.id)) === 'live', {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the new publish to go live after recovery',
    });
    await drill.watch(live.playbackId);

    // Every event the API acknowledged reached the webhook receiver, the outage notwithstanding.
    await webhooksFor(drill, 'stream.created', [live.id, waiting.id]);
    await webhooksFor(drill, 'stream.live', [live.id, waiting.id]);
  });

  it('answers metrics and status on both processes after the drill', async () => {
    const metrics = await (await fetch(`${drill.cluster.urls.hls}/metrics`)).text();
    expect(metrics).toMatch(/beamline_live_streams\{service="media-edge"\} [12]/);
    expect(metrics).toMatch(
      /beamline_hls_bytes_served_total\{(service="media-edge",kind="live"|kind="live",service="media-edge")\} [1-9]/,
    );
    const status = (await (await fetch(`${drill.cluster.urls.api}/status.json`)).json()) as any;
    expect(status.components.map((c: any) => c.name)).toEqual(['control-plane', 'store', 'media-edge']);
  });
});

// Orderly stop of each process in cluster mode: on SIGTERM readiness turns false first while the process still
// serves for SHUTDOWN_DRAIN_MS, then it stops accepting, finishes its work, tells publishers, and exits 0.
import { waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@beamline/testkit';
import { startDrill, type Drill } from '../drill';

let drill: Drill;
beforeAll(async () => {
  drill = await startDrill({
    services: ['control-plane', 'realtime-1', 'media-edge'],
    supervise: false,
    env: { SHUTDOWN_DRAIN_MS: '2000' },
  });
}, 90_000);
afterAll(async () => {
  await drill?.close();
});

const statusOf = (url: string) =>
  fetch(url).then(
    (r) => r.status,
    () => 0,
  );

function exitOf(
  name: 'control-plane' | 'realtime-1' | 'media-edge',
): Promise<{ code: number | null; signal: string | null }> {
  const proc = drill.cluster.services.get(name)!.proc();
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null)
      return resolve({ code: proc.exitCode, signal: proc.signalCode });
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('graceful shutdown', () => {
  it('control plane: not ready at once, still serving while it drains, then exits 0', async () => {
    const api = drill.cluster.urls.api;
    expect(await statusOf(`${api}/readyz`)).toBe(200);
    const exit = exitOf('control-plane');
    const signalledAt = Date.now();
    void drill.cluster.kill('control-plane', 'SIGTERM');
    await waitFor(async () => (await statusOf(`${api}/readyz`)) === 503, { timeoutMs: 1_000, intervalMs: 20 });
    expect(Date.now() - signalledAt).toBeLessThan(1_000);
    expect(await statusOf(`${api}/healthz`)).toBe(200);
    expect((await drill.api('/streams')).status).toBe(200); // requests are still answered during the drain
    const { code, signal } = await exit;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(2_000);
    expect(await statusOf(`${api}/healthz`)).toBe(0); // no longer accepting
    expect(drill.logs.some((l) => l.includes('"name":"control-plane"') && l.includes('"msg":"stopped"'))).toBe(true);
    drill.cluster.start('control-plane');
    await drill.cluster.waitReady('control-plane');
  });

  it('media edge: not ready at once, HLS served while it drains, then publishers are let go and it exits 0', async () => {
    const stream = await drill.createStream('ended by an edge shutdown');
    const publisher = drill.publish(stream.streamKey, 60);
    await waitFor(async () => (await drill.statusOf(stream.id)) === 'live', {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the stream to go live',
    });
    await waitFor(() => drill.watch(stream.playbackId).then(() => true), { timeoutMs: 15_000, what: 'HLS to play' });

    const hls = drill.cluster.urls.hls;
    const exit = exitOf('media-edge');
    void drill.cluster.kill('media-edge', 'SIGTERM');
    await waitFor(async () => (await statusOf(`${hls}/readyz`)) === 503, { timeoutMs: 1_000, intervalMs: 20 });
    await drill.watch(stream.playbackId); // viewers keep playing during the drain
    const ended = await publisher.exited; // the publisher is disconnected, so OBS reconnects elsewhere
    expect(ended.code).not.toBe(0);
    const { code, signal } = await exit;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    // the edge reported the end of the session before exiting: the stream is not left "live"
    expect(await drill.statusOf(stream.id)).not.toBe('live');
  });

  it('realtime node: not ready at once, tells its sockets to reconnect, then exits 0', async () => {
    const res = await drill.api('/users/tokens', { method: 'POST', body: JSON.stringify({ userId: 'leaving' }) });
    const { token } = (await res.json()) as any;
    const url = drill.cluster.urls.realtime[0]!;
    const client = await connect(url, token);
    const exit = exitOf('realtime-1');
    void drill.cluster.kill('realtime-1', 'SIGTERM');
    await waitFor(async () => (await statusOf(`${url}/readyz`)) === 503, { timeoutMs: 1_000, intervalMs: 20 });
    expect(client.socket.connected).toBe(true); // still serving during the drain
    await waitFor(() => client.closing.length > 0, { timeoutMs: 10_000, what: 'the closing notice' });
    expect(client.closing[0]!.code).toBe('server_shutdown');
    const { code, signal } = await exit;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    client.close();
  });
});

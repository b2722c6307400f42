// Reconnects within the window resume the same session and recording; a transcoder crash is restarted
// without breaking the viewer's playlist.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneRungProfile, publish, startEdgeTest, text, waitForStatus, type EdgeTest } from '../support';

let t: EdgeTest;
let profileId: string;
beforeAll(async () => {
  t = await startEdgeTest();
  profileId = (await oneRungProfile(t.call)).id;
});
afterAll(() => t?.close());

/** The ladder ffmpeg this process runs for the edge (found by its HLS variant map). */
function ladderPid(): number | undefined {
  const out = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('var_stream_map');
      } catch {
        return false;
      }
    });
}

describe('resilience', () => {
  it('detects a publisher leaving within 2 s and resumes the same session and recording on reconnect', async () => {
    const stream = (
      await t.call('POST', '/streams', { name: 'Flaky uplink', record: true, reconnectWindowSeconds: 4, profileId })
    ).body;
    const first = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 3 });
    await waitForStatus(t, stream.id, 'live');
    const left = await first.exited;
    await waitForStatus(t, stream.id, 'disconnected', 5_000);
    expect(Date.now() - left.at).toBeLessThan(2_000);
    const recordings = (await t.call('GET', `/recordings?streamId=${stream.id}`)).body.data;
    expect(recordings).toHaveLength(1);

    const second = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 3 });
    await waitForStatus(t, stream.id, 'live');
    const again = (await t.call('GET', `/recordings?streamId=${stream.id}`)).body.data;
    expect(again.map((r: { id: string }) => r.id)).toEqual([recordings[0].id]);
    await second.exited;

    // the window closes: offline, one recording spanning both publishes
    await waitForStatus(t, stream.id, 'idle', 15_000);
    const rec = await waitFor(async () => {
      const r = (await t.call('GET', `/recordings/${recordings[0].id}`)).body;
      return r.status === 'ready' ? r : null;
    });
    expect(rec.durationSeconds).toBeGreaterThan(4.5);
    expect(rec.durationSeconds).toBeLessThan(7.5);
    const variant = await text(rec.hlsUrl.replace('master.m3u8', '144p/index.m3u8'));
    expect(variant.body).toContain('#EXT-X-DISCONTINUITY');
    expect(variant.body).toContain('#EXT-X-ENDLIST');
  });

  it('restarts a crashed transcoder and the playlist carries on', async () => {
    const stream = (await t.call('POST', '/streams', { name: 'Crash', reconnectWindowSeconds: 0, profileId })).body;
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 12 });
    try {
      await waitForStatus(t, stream.id, 'live');
      const variantUrl = stream.hlsUrl.replace('master.m3u8', '144p/index.m3u8');
      const before = (await text(variantUrl)).body;
      const lastBefore = Number(/seg_(\d+)\.ts\s*$/.exec(before.trim())?.[1]);
      const pid = ladderPid();
      expect(pid).toBeDefined();
      process.kill(pid!, 'SIGKILL');
      const after = await waitFor(
        async () => {
          const body = (await text(variantUrl)).body;
          const last = Number(/seg_(\d+)\.ts\s*$/.exec(body.trim())?.[1]);
          return body.includes('#EXT-X-DISCONTINUITY') && last > lastBefore + 1 ? body : null;
        },
        { timeoutMs: 10_000, what: 'new segments after the restart' },
      );
      expect(after).not.toContain('#EXT-X-ENDLIST');
      expect(ladderPid()).not.toBe(pid);
      expect((await t.call('GET', `/streams/${stream.id}`)).body.status).toBe('live');
      expect((await fetch(stream.hlsUrl)).status).toBe(200);
    } finally {
      await publisher.stop();
    }
  });
});

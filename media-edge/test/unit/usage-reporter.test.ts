// The edge's viewer meter (who watches, for how long, bytes) and its usage reporter (keys, retries, ingest time).
import { createLogger } from '@beamline/core';
import { describe, expect, it } from 'vitest';
import type { ControlPlaneClient, UsageReport } from '../../src/control-plane';
import { ViewerMeter } from '../../src/hls/viewers';
import { UsageReporter } from '../../src/usage/reporter';

const log = createLogger({ name: 'test', level: 'silent', pretty: false });

describe('ViewerMeter', () => {
  it('counts each viewer from first to last fetch, splits watches at pauses longer than the window', () => {
    const m = new ViewerMeter(30_000);
    const t0 = 1_000_000;
    for (let s = 0; s <= 20; s += 2) m.touch('pb', 'alice', 100, t0 + s * 1000);
    for (let s = 10; s <= 20; s += 2) m.touch('pb', 'bob', 50, t0 + s * 1000);
    let out = m.drain(t0 + 21_000).get('pb')!;
    expect(out).toEqual({ viewers: 2, bytes: 11 * 100 + 6 * 50, viewerSeconds: 20 + 10 });
    // alice comes back after 60 s: the pause is not watched time
    m.touch('pb', 'alice', 100, t0 + 80_000);
    m.touch('pb', 'alice', 100, t0 + 90_000);
    out = m.drain(t0 + 91_000).get('pb')!;
    expect(out).toEqual({ viewers: 1, bytes: 200, viewerSeconds: 10 });
    // nobody within the window: forgotten
    expect(m.drain(t0 + 200_000).get('pb')).toEqual({ viewers: 0, bytes: 0, viewerSeconds: 0 });
    expect(m.drain(t0 + 201_000).size).toBe(0);
  });
});

describe('UsageReporter', () => {
  it('keys every report by edge and sequence and resends failed ones in order under the same key', async () => {
    const sent: UsageReport[] = [];
    let failing = true;
    const cp = {
      usage: async (r: UsageReport) => {
        if (failing) throw new Error('control plane down');
        sent.push(r);
      },
    } as unknown as ControlPlaneClient;
    const viewers = new ViewerMeter();
    const reporter = new UsageReporter(cp, viewers, log);
    const live = [{ streamId: 'str_a', playbackId: 'pa', renditions: 3 }];
    const t0 = Date.now();
    reporter.live('str_a', t0);
    viewers.touch('pa', 'v1', 1_000, t0 + 100);
    viewers.touch('pa', 'v1', 1_000, t0 + 900);
    await reporter.tick(t0 + 1_000, live);
    await reporter.tick(t0 + 2_000, live);
    expect(reporter.pending).toBe(2);
    failing = false;
    reporter.stopped('str_a', t0 + 2_500);
    await reporter.tick(t0 + 3_000, live);
    expect(reporter.pending).toBe(0);
    expect(sent.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(new Set(sent.map((r) => r.edgeId)).size).toBe(1);
    expect(sent[0]!.streams[0]).toMatchObject({
      streamId: 'str_a',
      viewers: 1,
      bytes: 2_000,
      viewerSeconds: 0.8,
      ingestSeconds: 1,
      renditions: 3,
    });
    expect(sent.map((r) => r.streams[0]!.ingestSeconds)).toEqual([1, 1, 0.5]);
    // nothing live, nobody watching: no report
    await reporter.tick(t0 + 40_000, []);
    expect(sent).toHaveLength(3);
  });
});

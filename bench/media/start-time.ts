// Start time: publish start → first segment of every rendition available, for the edge beside ffmpeg alone
// writing the same ladder (built by the same argument builder) from the same RTMP publisher.
// Run: npx tsx bench/media/start-time.ts   (BENCH_SOURCE=1280x720, BENCH_RUNS=3)
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import type { LatencyMode } from '@beamline/protocol/edge';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROFILE } from '../../control-plane/src/streams/profiles';
import { ladderArgs } from '../../media-edge/src/ladder/args';
import { fitProfile, variantNames } from '../../media-edge/src/ladder/profile';
import { publish, startEdgeTest, waitForStatus } from '@beamline/testkit';
import { everyVariantHasSegment, ffmpegAlone, median } from './support';

const SOURCE = process.env.BENCH_SOURCE ?? '1280x720';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const height = Number(SOURCE.split('x')[1]);

async function firstSegments(dir: string, names: string[], since: number): Promise<number> {
  await waitFor(() => everyVariantHasSegment(dir, names), {
    timeoutMs: 60_000,
    intervalMs: 10,
    what: 'first segments',
  });
  return Date.now() - since;
}

async function main() {
  const t = await startEdgeTest({ LOG_LEVEL: 'silent', LIVE_FILES_GRACE_SECONDS: '0' });
  const work = tempDir('beamline-start-');
  const rows: string[] = [];
  for (const latency of ['standard', 'low'] as LatencyMode[]) {
    const stream = (
      await t.call('POST', '/streams', { name: 'Start', latencyMode: latency, reconnectWindowSeconds: 0 })
    ).body;
    const profile = fitProfile(DEFAULT_PROFILE, height);
    const names = variantNames(profile);
    const alone: number[] = [];
    const edge: number[] = [];
    const live: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // ffmpeg alone
      const dir = join(work.path, `${latency}-${run}`);
      for (const n of names) mkdirSync(join(dir, n), { recursive: true });
      const port = await freePort();
      const baseline = ffmpegAlone(
        port,
        ladderArgs({ profile, latency, dir, record: false, resume: false, hasAudio: true }),
      );
      await new Promise((r) => setTimeout(r, 400));
      let since = Date.now();
      let pub = publish(`rtmp://127.0.0.1:${port}/live/bench`, { seconds: 8, size: SOURCE });
      alone.push(await firstSegments(dir, names, since));
      await pub.stop();
      baseline.kill('SIGKILL');

      // the edge (the previous session's files are gone first)
      const liveDir = join(t.mediaDir, 'live', stream.playbackId);
      await waitFor(() => !existsSync(liveDir), { timeoutMs: 30_000, what: 'the previous session to be cleaned up' });
      const liveAt = new Promise<number>((resolve) =>
        t.platform.mediaEdge.events.once('live', () => resolve(Date.now())),
      );
      since = Date.now();
      pub = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 8, size: SOURCE });
      edge.push(await firstSegments(liveDir, names, since));
      live.push((await liveAt) - since);
      await pub.stop();
      await waitForStatus(t, stream.id, 'idle', 60_000);
      console.error(`${latency} run ${run}: alone ${alone.at(-1)} ms, edge ${edge.at(-1)} ms, live ${live.at(-1)} ms`);
    }
    const seg = latency === 'low' ? 1 : 2;
    rows.push(
      `| ${latency} (${seg} s segments) | ${names.join('/')} | ${(median(alone) / 1000).toFixed(2)} s | ${(median(edge) / 1000).toFixed(2)} s | ${((median(edge) - median(alone)) / 1000).toFixed(2)} s | ${(median(live) / 1000).toFixed(2)} s |`,
    );
  }
  await t.close();
  work.remove();
  console.log(
    `\nStart time, ${SOURCE} source (x264 ultrafast publisher, -re), median of ${RUNS} runs, from publisher spawn\n`,
  );
  console.log(
    '| mode | ladder | ffmpeg alone: first segment of every rendition | edge: same | edge − alone | edge: stream.live (master published) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

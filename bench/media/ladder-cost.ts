// Ladder cost: CPU seconds per stream-second of the default ladder. The edge runs in its own process (cluster
// mode) and its figure is everything it spends on the stream: its Node process plus every ffmpeg it runs (the
// ladder, and any other it starts), read from /proc as the process's own time and its finished children's.
// Baseline: ffmpeg alone running the same ladder from the same RTMP publisher, its CPU reported exactly by
// the shell that runs it. The two alternate for BENCH_ROUNDS rounds; medians are reported. Also: how many
// such ladders this machine holds in real time, from the measured cost.
// Run: npx tsx bench/media/ladder-cost.ts   (BENCH_SOURCE=1280x720, BENCH_SECONDS=20, BENCH_ROUNDS=3,
//      PROF=<dir> for a CPU profile of the edge process)
import { freePort, tempDir } from '@beamline/core/testing';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROFILE } from '../../control-plane/src/streams/profiles';
import { ladderArgs } from '../../media-edge/src/ladder/args';
import { variantNames } from '../../media-edge/src/ladder/profile';
import { fitProfile } from '../../media-edge/src/live/live-stream';
import { publish, startEdgeTest, waitForStatus } from '../../media-edge/test/support';
import { ffmpegAloneTimed, median, processTimes, spawnEdge } from './support';

const SOURCE = process.env.BENCH_SOURCE ?? '1280x720';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const height = Number(SOURCE.split('x')[1]);
const profile = fitProfile(DEFAULT_PROFILE, height);

/** ffmpeg alone: cores it used over the publish, and its last reported speed. */
async function aloneRound(dir: string): Promise<{ cores: number; speed: string }> {
  rmSync(dir, { recursive: true, force: true });
  for (const n of variantNames(profile)) mkdirSync(join(dir, n), { recursive: true });
  const port = await freePort();
  const baseline = ffmpegAloneTimed(
    port,
    ladderArgs({ profile, latency: 'standard', dir, record: false, resume: false, hasAudio: true }),
  );
  let last = '';
  baseline.stderr.on('data', (d: Buffer) => (last = d.toString()));
  await new Promise((r) => setTimeout(r, 400));
  await publish(`rtmp://127.0.0.1:${port}/live/bench`, { seconds: SECONDS, size: SOURCE }).exited;
  const cpu = await baseline.cpu;
  return { cores: cpu / SECONDS, speed: /speed=\s*([\d.]+)x/.exec(last)?.[1] ?? '?' };
}

/** The edge: cores of its Node process and of the ffmpeg processes it ran for one stream, publish to idle. */
async function edgeRound(
  t: Awaited<ReturnType<typeof startEdgeTest>>,
  edge: Awaited<ReturnType<typeof spawnEdge>>,
  round: number,
): Promise<{ node: number; ffmpeg: number; total: number }> {
  const stream = (await t.call('POST', '/streams', { name: `Cost ${round}`, reconnectWindowSeconds: 0 })).body;
  const before = processTimes(edge.pid)!;
  await publish(`${edge.rtmp}/${stream.streamKey}`, { seconds: SECONDS, size: SOURCE }).exited;
  await waitForStatus(t, stream.id, 'idle', 60_000);
  await new Promise((r) => setTimeout(r, 1_000)); // every ffmpeg of the session has exited and been waited for
  const after = processTimes(edge.pid)!;
  const node = (after.own - before.own) / SECONDS;
  const ffmpeg = (after.children - before.children) / SECONDS;
  return { node, ffmpeg, total: node + ffmpeg };
}

async function main() {
  const work = tempDir('beamline-cost-');
  const t = await startEdgeTest({ LOG_LEVEL: 'silent' });
  const edge = await spawnEdge({ api: t.api, dataDir: t.platform.dataDir, mediaDir: join(work.path, 'edge') });
  const rows: { alone: number; speed: string; node: number; ffmpeg: number; total: number }[] = [];
  console.log(`ladder cost: ${SOURCE} source, ${SECONDS} s publishes, ${ROUNDS} rounds (ffmpeg alone, then the edge)`);
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const alone = await aloneRound(join(work.path, 'alone'));
      const ours = await edgeRound(t, edge, round);
      rows.push({ alone: alone.cores, speed: alone.speed, ...ours });
      console.log(
        `  round ${round}: alone ${alone.cores.toFixed(3)} cores (speed ${alone.speed}x), edge ${ours.total.toFixed(3)} (ffmpeg ${ours.ffmpeg.toFixed(3)} + Node ${ours.node.toFixed(3)}), overhead ${pct(ours.total, alone.cores)}`,
      );
    }
  } finally {
    await edge.stop();
    await t.close();
    work.remove();
  }

  const med = (pick: (r: (typeof rows)[number]) => number) => median(rows.map(pick));
  const overheads = rows.map((r) => (r.total - r.alone) / r.alone);
  console.log(
    `\nLadder cost, ${SOURCE} source, ladder ${variantNames(profile).join('/')} (x264 ${profile.preset}), ${SECONDS} s published, median of ${ROUNDS} rounds\n`,
  );
  console.log('| | CPU s per stream-second (cores) |');
  console.log('|---|---|');
  console.log(`| ffmpeg alone (same ladder, RTMP listen) | ${med((r) => r.alone).toFixed(3)} |`);
  console.log(`| edge: the ffmpeg processes it ran | ${med((r) => r.ffmpeg).toFixed(3)} |`);
  console.log(`| edge: its Node process (RTMP ingest, tap, reports) | ${med((r) => r.node).toFixed(3)} |`);
  console.log(`| edge total | ${med((r) => r.total).toFixed(3)} |`);
  console.log(
    `\nOverhead per round: ${overheads.map((o) => `${(o * 100).toFixed(1)}%`).join(', ')}; median ${(median(overheads) * 100).toFixed(1)}% (target < 5%)`,
  );
  const cores = cpus().length;
  console.log(
    `Concurrent default ladders in real time on ${cores} cores (from the median edge total): ${Math.floor(cores / med((r) => r.total))}`,
  );
  process.exit(0);
}

const pct = (ours: number, base: number) => `${(((ours - base) / base) * 100).toFixed(1)}%`;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

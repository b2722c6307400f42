// Ladder cost: CPU seconds per stream-second of the default ladder, the edge in its own process (its Node
// process + its ffmpeg)
// beside ffmpeg alone running the same ladder from the same RTMP publisher. Also: how many such ladders
// this machine holds in real time, from the measured cost.
// Run: npx tsx bench/media/ladder-cost.ts   (BENCH_SOURCE=1280x720, BENCH_SECONDS=20)
import { freePort, tempDir } from '@beamline/core/testing';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROFILE } from '../../control-plane/src/streams/profiles';
import { ladderArgs } from '../../media-edge/src/ladder/args';
import { variantNames } from '../../media-edge/src/ladder/profile';
import { fitProfile } from '../../media-edge/src/live/live-stream';
import { publish, startEdgeTest, waitForStatus } from '../../media-edge/test/support';
import { childPids, cpuSeconds, ffmpegAlone, spawnEdge } from './support';

const SOURCE = process.env.BENCH_SOURCE ?? '1280x720';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const height = Number(SOURCE.split('x')[1]);

/** Samples a process's CPU until it exits; resolves with the last reading. */
function trackCpu(pid: () => number | undefined): { stop(): number } {
  let last = 0;
  const timer = setInterval(() => {
    const p = pid();
    const v = p ? cpuSeconds(p) : null;
    if (v !== null) last = v;
  }, 200);
  return {
    stop: () => {
      clearInterval(timer);
      return last;
    },
  };
}

async function main() {
  const profile = fitProfile(DEFAULT_PROFILE, height);
  const work = tempDir('beamline-cost-');

  // ffmpeg alone
  const dir = join(work.path, 'alone');
  for (const n of variantNames(profile)) mkdirSync(join(dir, n), { recursive: true });
  const port = await freePort();
  const baseline = ffmpegAlone(
    port,
    ladderArgs({ profile, latency: 'standard', dir, record: false, resume: false, hasAudio: true }),
  );
  let speeds = '';
  baseline.stderr!.on('data', (d: Buffer) => (speeds = d.toString()));
  await new Promise((r) => setTimeout(r, 400));
  const aloneCpu = trackCpu(() => baseline.pid);
  let pub = publish(`rtmp://127.0.0.1:${port}/live/bench`, { seconds: SECONDS, size: SOURCE });
  await pub.exited;
  await new Promise<void>((r) => baseline.once('exit', () => r()));
  const alone = aloneCpu.stop();
  const aloneSpeed = /speed=\s*([\d.]+)x/.exec(speeds)?.[1];

  // the edge in its own process (cluster mode): its Node process plus the ladder ffmpeg it runs
  const t = await startEdgeTest({ LOG_LEVEL: 'silent' });
  const edge = await spawnEdge({ api: t.api, dataDir: t.platform.dataDir, mediaDir: join(work.path, 'edge') });
  const stream = (await t.call('POST', '/streams', { name: 'Cost', reconnectWindowSeconds: 0 })).body;
  // every ladder process the edge runs (a restart starts a new one), each sampled until it exits
  const ladderCpu = new Map<number, number>();
  const finder = setInterval(() => {
    for (const pid of childPids(edge.pid, 'var_stream_map')) {
      const v = cpuSeconds(pid);
      if (v !== null) ladderCpu.set(pid, v);
    }
  }, 200);
  const nodeCpu = trackCpu(() => edge.pid);
  const nodeStart = cpuSeconds(edge.pid) ?? 0;
  pub = publish(`${edge.rtmp}/${stream.streamKey}`, { seconds: SECONDS, size: SOURCE });
  await pub.exited;
  await waitForStatus(t, stream.id, 'idle', 60_000);
  clearInterval(finder);
  const ladder = [...ladderCpu.values()].reduce((a, b) => a + b, 0);
  const ladderRuns = ladderCpu.size;
  const nodeSeconds = nodeCpu.stop() - nodeStart;
  await edge.stop();
  await t.close();
  work.remove();

  const perSecond = (cpu: number) => cpu / SECONDS;
  const edgeTotal = ladder + nodeSeconds;
  const cores = cpus().length;
  console.log(
    `\nLadder cost, ${SOURCE} source, ladder ${variantNames(profile).join('/')} (x264 ${profile.preset}), ${SECONDS} s published\n`,
  );
  console.log('| | CPU s per stream-second (cores) | |');
  console.log('|---|---|---|');
  console.log(
    `| ffmpeg alone (same ladder, RTMP listen) | ${perSecond(alone).toFixed(3)} | last speed ${aloneSpeed ?? '?'}x |`,
  );
  console.log(`| edge: ladder ffmpeg | ${perSecond(ladder).toFixed(3)} | ${ladderRuns} process(es) |`);
  console.log(`| edge: its Node process (RTMP ingest, tap, reports) | ${perSecond(nodeSeconds).toFixed(3)} | |`);
  console.log(
    `| edge total | ${perSecond(edgeTotal).toFixed(3)} | overhead ${(((edgeTotal - alone) / alone) * 100).toFixed(1)}% |`,
  );
  console.log(
    `\nConcurrent default ladders in real time on ${cores} cores (from the edge total): ${Math.floor(cores / perSecond(edgeTotal))}`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

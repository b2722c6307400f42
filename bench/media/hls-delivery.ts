// HLS delivery: requests per second for segments and playlists of a signed stream (token checked on every
// request) from the edge — its own process, as in cluster mode — beside nginx serving the same files in the
// same run. wrk -t2 -c50; runs interleaved (nginx, edge, nginx, edge, …) and the median kept, so both see the
// same machine load. Run: npx tsx bench/media/hls-delivery.ts   (BENCH_SOURCE=1280x720 BENCH_SECONDS=5 BENCH_RUNS=3)
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import { chmodSync, cpSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { publish, startEdgeTest, waitForStatus } from '@beamline/testkit';
import { median, spawnEdge, startNginx, wrk } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SOURCE = process.env.BENCH_SOURCE ?? '1280x720';
const WORKERS = (process.env.BENCH_NGINX_WORKERS ?? '1') as '1' | 'auto';

async function main() {
  const t = await startEdgeTest({ LOG_LEVEL: 'silent' });
  const stream = (
    await t.call('POST', '/streams', { name: 'Bench', playbackPolicy: 'signed', reconnectWindowSeconds: 600 })
  ).body;
  // a real ladder from the source; the publisher then leaves and the files stay for the reconnect window
  const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 7, size: SOURCE });
  await waitForStatus(t, stream.id, 'live', 120_000);
  await publisher.exited;
  await waitForStatus(t, stream.id, 'disconnected', 60_000);
  const token = (await t.call('POST', `/streams/${stream.id}/playback-tokens`, { ttlSeconds: 3600 })).body.token;
  const variant = process.env.BENCH_VARIANT ?? (SOURCE === '1280x720' ? '720p' : '360p');
  const liveDir = `${t.mediaDir}/live`;
  const playlist = readFileSync(`${liveDir}/${stream.playbackId}/${variant}/index.m3u8`, 'utf8');
  const segment = playlist.split('\n').find((l) => l.startsWith('seg_'))!;
  const segmentBytes = statSync(`${liveDir}/${stream.playbackId}/${variant}/${segment}`).size;

  // the edge in its own process, serving the same media directory, asking the same control plane
  const edgeProc = await spawnEdge({ api: t.api, dataDir: t.platform.dataDir, mediaDir: t.mediaDir });
  const e = `${edgeProc.hls}/hls/${stream.playbackId}/${variant}`;
  const q = `?token=${encodeURIComponent(token)}`;
  await waitFor(async () => (await fetch(`${e}/${segment}${q}`)).status === 200, {
    timeoutMs: 30_000,
    what: 'the edge process',
  });

  // nginx serves a copy of the same files under the same paths (/hls/{playbackId}/...)
  const dir = tempDir('beamline-nginx-');
  mkdirSync(`${dir.path}/tmp`);
  chmodSync(dir.path, 0o755); // nginx workers run as an unprivileged user
  cpSync(liveDir, `${dir.path}/root/hls`, { recursive: true });
  const nginxPort = await freePort();
  const nginx = await startNginx(dir.path, `${dir.path}/root`, nginxPort, WORKERS === 'auto' ? 'auto' : 1);
  const n = `http://127.0.0.1:${nginxPort}/hls/${stream.playbackId}/${variant}`;
  await waitFor(async () => (await fetch(`${n}/index.m3u8`)).ok, { what: 'nginx to serve the files' });

  // warm both up (the edge's JIT, its segment cache, nginx's page cache) before measuring
  await wrk(`${e}/${segment}${q}`, 2);
  await wrk(`${e}/index.m3u8${q}`, 2);
  await wrk(`${n}/${segment}`, 2);
  const runs = { nginxSeg: [] as number[], edgeSeg: [] as number[], nginxPl: [] as number[], edgePl: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    runs.nginxSeg.push(await wrk(`${n}/${segment}`, SECONDS));
    runs.edgeSeg.push(await wrk(`${e}/${segment}${q}`, SECONDS));
    runs.nginxPl.push(await wrk(`${n}/index.m3u8`, SECONDS));
    runs.edgePl.push(await wrk(`${e}/index.m3u8${q}`, SECONDS));
    console.error(
      `run ${i}: ${JSON.stringify(Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.at(-1)])))}`,
    );
  }
  await nginx.stop();
  await edgeProc.stop();
  await t.close();
  dir.remove();

  const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof runs,
    number
  >;
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  console.log(
    `\nHLS delivery, wrk -t2 -c50 -d${SECONDS}s, median of ${RUNS} interleaved runs, ${variant} segment ${Math.round(segmentBytes / 1024)} KiB, nginx ${WORKERS} worker(s), sendfile on\n`,
  );
  // each edge run is paired with the nginx run just before it, so a ratio compares the same machine load
  const paired = (edge: number[], base: number[]) => median(edge.map((v, i) => v / base[i]!));
  console.log(
    '| | nginx req/s | edge req/s (signed: token checked) | edge / nginx (medians) | median of paired ratios |',
  );
  console.log('|---|---|---|---|---|');
  console.log(
    `| segments | ${Math.round(m.nginxSeg)} | ${Math.round(m.edgeSeg)} | ${pct(m.edgeSeg, m.nginxSeg)} | ${pct(paired(runs.edgeSeg, runs.nginxSeg), 1)} |`,
  );
  console.log(
    `| variant playlists | ${Math.round(m.nginxPl)} | ${Math.round(m.edgePl)} | ${pct(m.edgePl, m.nginxPl)} | ${pct(paired(runs.edgePl, runs.nginxPl), 1)} |`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

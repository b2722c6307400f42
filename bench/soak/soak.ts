// Soak: mixed load on the cluster processes for SOAK_MINUTES (default 10) and their memory over time.
//   npx tsx bench/soak/soak.ts            (SOAK_MINUTES=2 for a short run)
// Load: one ffmpeg publisher for the whole run, HLS players polling playlists and segments, REST writes
// and reads, the webhooks they cause, and chat clients on both realtime nodes (SOAK_CHAT_CLIENTS, default 20)
// sending SOAK_CHAT_RATE messages/s in total (default 5). SOAK_HLS_CACHE_MB sets the edge's segment cache. Baseline: a bare node:http process given the same request
// rate in the same run. Memory is each process's RSS (from /proc), sampled every 5 s; the verdict
// compares the last two minutes with the first two after warm-up, by mean and by high-water mark; every sample
// is written to a JSON file named at the end.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@beamline/core/testing';
import { startDrill } from '../../deploy/test/drill';
import { connect, type TestClient } from '@beamline/testkit';

const minutes = Number(process.env.SOAK_MINUTES || 10);
const warmupMs = Math.min(120_000, (minutes * 60_000) / 5);
const totalMs = minutes * 60_000;
const SAMPLE_MS = 5_000;
const API_RPS = 20;
const PLAYERS = 5;
const CHAT_CLIENTS = Number(process.env.SOAK_CHAT_CLIENTS || 20);
const CHAT_RATE = Number(process.env.SOAK_CHAT_RATE || 5);

const rssOf = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
};

async function main() {
  const drill = await startDrill({
    supervise: false,
    env: {
      // the free plan's API rate (600/min) is below the soak's 20 requests/s
      PLANS_JSON: JSON.stringify({ free: { limits: { concurrentStreams: 5, apiRequestsPerMinute: 100_000 } } }),
      CHAT_MESSAGES_PER_10S: '1000',
      ...(process.env.SOAK_HLS_CACHE_MB ? { HLS_CACHE_MB: process.env.SOAK_HLS_CACHE_MB } : {}),
    },
  });
  const channel = (await (
    await drill.api('/channels', { method: 'POST', body: JSON.stringify({ type: 'livestream' }) })
  ).json()) as { id: string };
  const chatters: TestClient[] = await Promise.all(
    Array.from({ length: CHAT_CLIENTS }, async (_, i) => {
      const res = await drill.api('/users/tokens', { method: 'POST', body: JSON.stringify({ userId: `soak-${i}` }) });
      const { token } = (await res.json()) as { token: string };
      const client = await connect(drill.cluster.urls.realtime[i % 2]!, token, { reconnection: true });
      await client.request('channel.join', { channelId: channel.id });
      return client;
    }),
  );
  // the baseline: node:http answering JSON, the same request rate as the control plane gets
  const basePort = await freePort();
  const baseline = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q, s) => { let b = ''; q.on('data', (c) => (b += c)); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json' }); s.end(JSON.stringify({ ok: true, n: b.length })); }); }).listen(${basePort}, '127.0.0.1')`,
    ],
    { stdio: 'ignore' },
  );
  await new Promise((r) => setTimeout(r, 500));

  const stream = await drill.createStream('soak');
  const obs = drill.obs(stream.streamKey, minutes * 60 + 30);
  const deadline = Date.now() + totalMs;
  let apiOk = 0;
  let apiFailed = 0;
  const failures = new Map<string, number>();
  let hlsOk = 0;
  let hlsFailed = 0;
  const stopAt = () => Date.now() >= deadline;

  // REST: a write, then reads, at API_RPS in total (the same rate to the baseline)
  const apiLoop = (async () => {
    let i = 0;
    while (!stopAt()) {
      const started = Date.now();
      const op =
        i % 10 === 0
          ? drill.api('/streams', { method: 'POST', body: JSON.stringify({ name: `soak ${i}` }) })
          : i % 10 < 5
            ? drill.api(`/streams/${stream.id}`)
            : drill.api('/streams?limit=20');
      const base = fetch(`http://127.0.0.1:${basePort}/`, { method: 'POST', body: `{"i":${i}}` }).catch(() => null);
      const res = await op.catch(() => null);
      await base;
      if (res && res.status < 300) apiOk++;
      else {
        apiFailed++;
        const key = String(res?.status ?? 'network');
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
      await res?.arrayBuffer().catch(() => undefined);
      i++;
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / API_RPS - (Date.now() - started))));
    }
  })();
  // chat: CHAT_RATE messages/s from clients of both nodes; every client receives each one
  let chatOk = 0;
  let chatFailed = 0;
  const chatLoop = (async () => {
    for (let i = 0; !stopAt(); i++) {
      const started = Date.now();
      const ack = await chatters[i % CHAT_CLIENTS]!.request('message.send', {
        channelId: channel.id,
        text: `soak ${i}`,
      }).catch(() => null);
      if (ack && 'ok' in ack && ack.ok) chatOk++;
      else chatFailed++;
      for (const c of chatters) c.events.length = 0; // keep the test clients' own memory flat
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / CHAT_RATE - (Date.now() - started))));
    }
  })();
  // players: every 2 s each loads master, variant and newest segment
  const players = Array.from({ length: PLAYERS }, async (_, p) => {
    await new Promise((r) => setTimeout(r, 15_000 + p * 300)); // let the stream go live
    while (!stopAt()) {
      try {
        await drill.watch(stream.playbackId);
        hlsOk++;
      } catch {
        hlsFailed++;
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
  });

  const procs = {
    'control-plane': drill.cluster.services.get('control-plane')!.proc().pid!,
    'media-edge': drill.cluster.services.get('media-edge')!.proc().pid!,
    'realtime-1': drill.cluster.services.get('realtime-1')!.proc().pid!,
    'realtime-2': drill.cluster.services.get('realtime-2')!.proc().pid!,
    'bare node:http (baseline)': baseline.pid!,
  };
  const samples: { at: number; rss: Record<string, number> }[] = [];
  const t0 = Date.now();
  const sampler = setInterval(() => {
    samples.push({
      at: Date.now() - t0,
      rss: Object.fromEntries(Object.entries(procs).map(([n, pid]) => [n, rssOf(pid)])),
    });
  }, SAMPLE_MS);
  const progress = setInterval(() => {
    const last = samples.at(-1);
    if (last)
      console.log(
        `${Math.round(last.at / 1000)} s: ` +
          Object.entries(last.rss)
            .map(([n, v]) => `${n} ${(v / 2 ** 20).toFixed(0)} MB`)
            .join(', ') +
          ` | api ${apiOk} ok ${apiFailed} failed | hls rounds ${hlsOk} ok ${hlsFailed} failed | chat ${chatOk} ok`,
      );
  }, 60_000);

  await Promise.all([apiLoop, chatLoop, ...players]);
  for (const c of chatters) c.close();
  clearInterval(sampler);
  clearInterval(progress);
  const webhooks = drill.received.size;
  await obs.stop();
  const metrics = await (await fetch(`${drill.cluster.urls.hls}/metrics`)).text();
  const hlsBytes = Number(/beamline_hls_bytes_served_total\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
  // ffmpeg's speed over the run: below 1 the ladder falls behind and the edge buffers its input
  const series = (name: string) => Number(new RegExp(`${name}\\{[^}]*\\} ([\\d.e+-]+)`).exec(metrics)?.[1] ?? NaN);
  const speedCount = series('beamline_ffmpeg_speed_ratio_count');
  const speedMean = series('beamline_ffmpeg_speed_ratio_sum') / speedCount;
  const belowOne = Number(/beamline_ffmpeg_speed_ratio_bucket\{le="0\.9"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? NaN);
  await drill.close();
  baseline.kill();

  const samplesOf = (name: string, from: number, to: number) =>
    samples.filter((s) => s.at >= from && s.at < to).map((s) => s.rss[name]!);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const samplesFile = join(tmpdir(), `beamline-soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(samplesFile, JSON.stringify({ warmupMs, totalMs, sampleMs: SAMPLE_MS, samples }));
  console.log(`every RSS sample: ${samplesFile}`);
  const mb = (v: number) => (v / 2 ** 20).toFixed(1);
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  console.log(
    `\nSoak of ${minutes} min (warm-up ${warmupMs / 1000} s): ${apiOk} API calls ok, ${apiFailed} failed; ` +
      `${hlsOk} player rounds ok, ${hlsFailed} failed; ${(hlsBytes / 2 ** 20).toFixed(1)} MB HLS served; ` +
      `${chatOk} chat messages acknowledged (to ${CHAT_CLIENTS} clients on 2 nodes), ${chatFailed} refused; ` +
      `${webhooks} webhook events received; ${obs.launches()} publisher launch(es); ` +
      `ffmpeg speed mean ${speedMean.toFixed(2)}, ${((belowOne / speedCount) * 100).toFixed(0)} % of samples below 0.9` +
      (failures.size ? `; failures by status: ${JSON.stringify(Object.fromEntries(failures))}` : ''),
  );
  // Growth over two-minute windows (the two after warm-up against the last two), by the mean and by the
  // high-water mark. A garbage-collected process's RSS is a sawtooth whose phase moves a mean either way; a
  // leak lifts the high-water mark window after window, while the collector's rhythm leaves it in place.
  console.log(
    '| process | mean after warm-up → last 2 min (MB) | mean growth | peak after warm-up → last 2 min (MB) | peak growth | verdict (peak < 10 %) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const name of Object.keys(procs)) {
    const first = samplesOf(name, warmupMs, warmupMs + 120_000);
    const last = samplesOf(name, totalMs - 120_000, totalMs + SAMPLE_MS);
    const growth = (mean(last) - mean(first)) / mean(first);
    const peakGrowth = (Math.max(...last) - Math.max(...first)) / Math.max(...first);
    console.log(
      `| ${name} | ${mb(mean(first))} → ${mb(mean(last))} | ${pct(growth)} | ${mb(Math.max(...first))} → ${mb(Math.max(...last))} | ${pct(peakGrowth)} | ${peakGrowth < 0.1 ? 'flat' : 'GROWS'} |`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

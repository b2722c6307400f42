// Webhook deliveries per second to a fast local receiver, with 1,000 events queued in the outbox, beside
// a bare undici POST loop to the same receiver with the same concurrency and body, in the same run.
// The receiver runs in its own process; the platform (in-process) and the bare loop share this one.
//   npx tsx bench/webhooks/deliveries.ts [events=1000] [concurrency=32] [rounds=3]
//   PROF=<dir> writes a CPU profile of each platform leg (start-up included) and of each bare loop (the queuing is left out).
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { freePort, waitFor } from '@beamline/core/testing';
import { newDeveloperApp, startTestPlatform, testEnv } from '@beamline/testkit';
import { apiClient } from '../../control-plane/test/integration/webhooks-support';

const events = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 3);

interface Stats {
  requests: number;
  distinct: number;
  /** From the first request's arrival to the arrival of the last new event id, timed by the receiver. */
  windowMs: number;
}

async function stats(base: string): Promise<Stats> {
  return (await (await fetch(`${base}/stats`)).json()) as Stats;
}

/** Events per second over the receiver's window (the same clock and the same edges for both sides). */
const rate = (s: Stats) => (s.distinct - 1) / (s.windowMs / 1000);

/** The baseline: `events` POSTs of a similar body, `concurrency` at a time, through one undici Agent. */
async function bareLoop(base: string, body: string): Promise<number> {
  await fetch(`${base}/reset`, { method: 'POST' });
  const url = `${base}/hook`;
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events) {
        const i = next++;
        const res = await request(url, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'webhook-id': `bare_${i}` },
          body,
        });
        await res.body.dump();
        if (res.statusCode !== 200) throw new Error(`bare loop got ${res.statusCode}`);
      }
    }),
  );
  await agent.close();
  return rate(await stats(base));
}

/** Queues `events` events for one endpoint with no dispatcher running; returns the env and a sample body. */
async function queueEvents(receiverUrl: string) {
  const env = await testEnv({ WEBHOOK_CONCURRENCY: String(concurrency), LOG_LEVEL: 'error' });
  const writer = await startTestPlatform({ ...env, WEBHOOK_DISPATCHER: 'false' });
  const api = apiClient(writer.urls.api);
  const { token, appId } = await newDeveloperApp(api);
  const hook = await api.call('POST', `/v1/apps/${appId}/webhooks`, {
    token,
    body: { url: receiverUrl, events: ['*'] },
  });
  if (hook.status !== 201) throw new Error(`register: ${JSON.stringify(hook.body)}`);
  let sample = '';
  for (let i = 0; i < events; i++) {
    const e = await writer.controlPlane.events.publish(appId, 'stream.updated', {
      streamId: `str_${i}`,
      changes: ['name', 'latencyMode'],
    });
    sample = JSON.stringify(e);
  }
  await writer.stop();
  return { env, sample };
}

/** Profiles `work` into PROF/<name>.cpuprofile when PROF is set. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.PROF;
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 100 µs between samples (the default is about 1 ms): a round's delivery window lasts a few hundred ms.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Starts the platform on the queued outbox and times until every event reached the receiver. */
async function platformRun(base: string, env: Record<string, string>, round: number): Promise<number> {
  await fetch(`${base}/reset`, { method: 'POST' });
  const platform = await profiled(`platform-${round}`, async () => {
    const started = await startTestPlatform(env);
    await waitFor(async () => (await stats(base)).distinct >= events, {
      timeoutMs: 300_000,
      intervalMs: 20,
      what: 'every event delivered',
    });
    return started;
  });
  await platform.stop();
  const s = await stats(base);
  if (s.requests !== events) console.log(`    (${s.requests} requests for ${s.distinct} events)`);
  return rate(s);
}

async function main() {
  console.log(`webhooks bench: ${events} queued events, concurrency ${concurrency}, ${rounds} rounds`);
  const port = await freePort();
  const receiverProc = spawn(process.execPath, ['--import', 'tsx', 'bench/webhooks/receiver.ts', String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  receiverProc.stdout!.on('data', (d: Buffer) => (out += d));
  await waitFor(() => out.includes('ready'), { what: 'the receiver', timeoutMs: 20_000 });
  const base = `http://127.0.0.1:${port}`;
  const dirs: string[] = [];
  try {
    const ratios: number[] = [];
    // Round 0 warms both sides up (code compiled on first use) and is not counted: the bare loop's HTTP client,
    // and the platform's dispatcher, store and HTTP client, which live on in this process between rounds.
    for (let round = 0; round <= rounds; round++) {
      const { env, sample } = await queueEvents(`${base}/hook`);
      dirs.push(env.DATA_DIR!);
      // Baseline and platform back to back in each round, so both see the same machine load.
      const bare = await profiled(`bare-${round}`, () => bareLoop(base, sample));
      const ours = await platformRun(base, env, round);
      const line = `bare undici loop ${Math.round(bare)} POST/s, platform ${Math.round(ours)} deliveries/s (outbox → signed POST → delivery log), ${((ours / bare) * 100).toFixed(1)}%`;
      if (round === 0) {
        console.log(`  warm-up: ${line}`);
        continue;
      }
      ratios.push(ours / bare);
      console.log(`  round ${round}: ${line}`);
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`  median ratio: ${(median * 100).toFixed(1)}% of the bare loop (target ≥ 50%)`);
  } finally {
    receiverProc.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

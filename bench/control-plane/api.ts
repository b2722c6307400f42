// Requests per second and p99 of an authenticated GET (bearer) and a Basic-auth call, beside a bare
// Hono hello-world measured in the same run on the same machine. Each server runs in its own process;
// wrk (apt-get install wrk) drives it. Calibration legs: the same bare hello-world made to spend 50 and
// 100 µs of CPU per request, and our cheapest route (/healthz: no credentials, no store), show where the
// rate of a server doing that much work per request lands against the baseline on this machine.
//   npx tsx bench/control-plane/api.ts [seconds=10] [connections=50]
//   PROF=<dir> writes a CPU profile of the platform process (stopped with SIGTERM so that it is written).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, waitFor } from '@beamline/core/testing';
import { ApiClient } from '../../control-plane/test/helpers';
import { spawnPlatform, testEnv } from '../../all-in-one/test/harness';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);

/** Runs wrk (C, one thread) on `url` for `secs`; resolves with its report. */
function wrk(url: string, headers: Record<string, string>, secs: number): Promise<string> {
  const args = [
    '-t1',
    `-c${connections}`,
    `-d${secs}s`,
    '--latency',
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    url,
  ];
  return new Promise((resolve, reject) => {
    const proc = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d));
    proc.on('error', () => reject(new Error('wrk is needed for this bench: apt-get install wrk')));
    proc.on('exit', () => resolve(out));
  });
}

/** CPU seconds (user + system) spent so far by process `pid`, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Measures `url` with wrk after a 3 s warm-up of the same load (code compiled on first use, first reads),
 * so that each server is measured warm.
 */
async function load(
  title: string,
  pid: number,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ rps: number; p99: number; cpuUs: number }> {
  process.stdout.write(`  measuring ${title} for ${seconds}s with ${connections} connections (after a 3 s warm-up)… `);
  await wrk(url, headers, 3);
  const cpuBefore = cpuSeconds(pid);
  const out = await wrk(url, headers, seconds);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99m = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = p99m ? Number(p99m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[p99m[2]!]! : NaN;
  const failed = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1];
  if (!rps) throw new Error(`wrk gave no figure:\n${out}`);
  if (failed) throw new Error(`${title}: ${failed} failed requests; the figure would be meaningless`);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const cpuUs = (cpu / requests) * 1e6;
  console.log(`${Math.round(rps)} req/s, p99 ${p99.toFixed(2)} ms, ${cpuUs.toFixed(0)} µs of server CPU per request`);
  return { rps, p99, cpuUs };
}

/** Starts the bare Hono server spending `workUs` of CPU per request and measures it. */
async function bareLeg(title: string, workUs: number): Promise<Awaited<ReturnType<typeof load>>> {
  const port = await freePort();
  const args = ['--import', 'tsx', 'bench/control-plane/bare-hono.ts', String(port), String(workUs)];
  const bare = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    bare.stdout!.on('data', (d: Buffer) => (out += d));
    await waitFor(() => out.includes('ready'), { what: 'bare hono', timeoutMs: 20_000 });
    return await load(title, bare.pid!, `http://127.0.0.1:${port}/`);
  } finally {
    bare.kill('SIGKILL');
  }
}

async function main() {
  console.log('control-plane API bench');
  const baseline = await bareLeg('bare Hono hello-world', 0);
  const work50 = await bareLeg('bare Hono + 50 µs of CPU per request (calibration)', 50);
  const work100 = await bareLeg('bare Hono + 100 µs of CPU per request (calibration)', 100);

  const env = await testEnv({
    LOG_LEVEL: 'warn',
    RATE_LIMIT_API_KEY_PER_MINUTE: '100000000',
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    // the plan's API rate per app (Free by default) would cap the API-key leg too
    PLANS_JSON: JSON.stringify({ free: { limits: { apiRequestsPerMinute: 100_000_000 } } }),
  });
  const prof = process.env.PROF;
  const platform = await spawnPlatform(env, prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []);
  try {
    const api = new ApiClient((path, init) => fetch(platform.api + path, init));
    const dev = await api.register();
    const app = await api.createApp(dev.token, 'bench');
    const url = `${platform.api}/v1/apps/${app.appId}`;
    const healthz = await load(
      'GET /healthz (no credentials, no store)',
      platform.proc.pid!,
      `${platform.api}/healthz`,
    );
    const bearer = await load('authenticated GET /v1/apps/{appId} (bearer)', platform.proc.pid!, url, {
      authorization: `Bearer ${dev.token}`,
    });
    const basic = await load('Basic-auth GET /v1/apps/{appId} (API key)', platform.proc.pid!, url, {
      authorization: `Basic ${Buffer.from(`${app.key}:${app.secret}`).toString('base64')}`,
    });
    const ratio = (x: number) => `${((x / baseline.rps) * 100).toFixed(1)}%`;
    const row = (name: string, r: typeof baseline, vs: string) =>
      console.log(`| ${name} | ${Math.round(r.rps)} | ${r.p99.toFixed(2)} | ${r.cpuUs.toFixed(0)} | ${vs} |`);
    console.log('\n| call | req/s | p99 ms | server CPU µs/request | vs bare Hono (req/s) |');
    console.log('|---|---|---|---|---|');
    row('bare Hono hello-world (baseline)', baseline, '100%');
    row('bare Hono + 50 µs CPU/request (calibration)', work50, ratio(work50.rps));
    row('bare Hono + 100 µs CPU/request (calibration)', work100, ratio(work100.rps));
    row('our GET /healthz (id, headers, metrics, log)', healthz, ratio(healthz.rps));
    row('authenticated GET (bearer)', bearer, ratio(bearer.rps));
    row('Basic-auth GET (API key)', basic, ratio(basic.rps));
    console.log(
      `\ntarget: authenticated GET ≥ 50% of bare Hono → ${bearer.rps / baseline.rps >= 0.5 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await platform.kill(prof ? 'SIGTERM' : 'SIGKILL');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

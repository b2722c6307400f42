// Requests per second, p50, p99 and server CPU per request of an authenticated GET (bearer) and a Basic-auth
// call, beside a bare Hono hello-world measured in the same run on the same machine. Each server runs in its
// own process; wrk (apt-get install wrk) drives it. Calibration legs: the same bare hello-world made to spend
// 50 and 100 µs of CPU per request, and our cheapest route (/healthz: no credentials, no store), show where the
// rate of a server doing that much work per request lands against the baseline on this machine.
// Targets: an authenticated GET (bearer and Basic) costs at most 1.3× the server CPU of our /healthz in the same
// run; the same GETs against a cluster-mode control plane (scripts/cluster.ts: Redis, and the store reached over
// loopback HTTP as `npm run cluster` does without MongoDB) keep their p50 within 1.2× of the all-in-one p50.
//   npx tsx bench/control-plane/api.ts [seconds=10] [connections=50]
//   PROF=<dir> writes a CPU profile of the platform process (stopped with SIGTERM so that it is written).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, waitFor } from '@beamline/core/testing';
import { rmSync } from 'node:fs';
import { ApiClient, spawnPlatform, testEnv } from '@beamline/testkit';
import { startCluster } from '../../scripts/cluster';

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
): Promise<{ rps: number; p50: number; p99: number; cpuUs: number }> {
  process.stdout.write(`  measuring ${title} for ${seconds}s with ${connections} connections (after a 3 s warm-up)… `);
  await wrk(url, headers, 3);
  const cpuBefore = cpuSeconds(pid);
  const out = await wrk(url, headers, seconds);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const percentile = (p: number) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]!]! : NaN;
  };
  const p50 = percentile(50);
  const p99 = percentile(99);
  const failed = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1];
  if (!rps) throw new Error(`wrk gave no figure:\n${out}`);
  if (failed) throw new Error(`${title}: ${failed} failed requests; the figure would be meaningless`);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const cpuUs = (cpu / requests) * 1e6;
  console.log(
    `${Math.round(rps)} req/s, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ${cpuUs.toFixed(0)} µs of server CPU per request`,
  );
  return { rps, p50, p99, cpuUs };
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

/** Rate limits and the plan's API rate raised so that no leg is answered 429. */
const UNLIMITED = {
  RATE_LIMIT_API_KEY_PER_MINUTE: '100000000',
  RATE_LIMIT_IP_PER_MINUTE: '100000000',
  PLANS_JSON: JSON.stringify({ free: { limits: { apiRequestsPerMinute: 100_000_000 } } }),
};

type Leg = Awaited<ReturnType<typeof load>>;

/** A developer, an app and its key on the control plane at `api`; then its bearer and Basic GET legs. */
async function authenticatedLegs(where: string, pid: number, api: string): Promise<{ bearer: Leg; basic: Leg }> {
  const client = new ApiClient((path, init) => fetch(api + path, init));
  const dev = await client.register();
  const app = await client.createApp(dev.token, 'bench');
  const url = `${api}/v1/apps/${app.appId}`;
  const bearer = await load(`authenticated GET /v1/apps/{appId} (bearer, ${where})`, pid, url, {
    authorization: `Bearer ${dev.token}`,
  });
  const basic = await load(`Basic-auth GET /v1/apps/{appId} (API key, ${where})`, pid, url, {
    authorization: `Basic ${Buffer.from(`${app.key}:${app.secret}`).toString('base64')}`,
  });
  return { bearer, basic };
}

/**
 * The same legs against the control plane in cluster mode, as `npm run cluster` runs it without MongoDB: its own
 * process, Redis for the bus and the shared counters, and the store served over loopback HTTP by the cluster's
 * supervisor (here, this process). A realtime node runs beside it because the store is shared only then.
 */
async function clusterLegs(): Promise<{ bearer: Leg; basic: Leg }> {
  const env = await testEnv({
    ...UNLIMITED,
    LOG_LEVEL: 'warn',
    REALTIME_PORT_2: String(await freePort()),
    CLUSTER_REDIS_PORT: String(await freePort()),
  });
  const lines: string[] = [];
  const cluster = await startCluster({
    env,
    services: ['control-plane', 'realtime-1'],
    supervise: false,
    onOutput: (name, line) => lines.push(`[${name}] ${line}`),
  }).catch((err: unknown) => {
    console.error(lines.join('\n'));
    throw err;
  });
  try {
    const pid = cluster.services.get('control-plane')!.proc().pid!;
    return await authenticatedLegs('cluster', pid, cluster.urls.api);
  } finally {
    await cluster.stop();
    rmSync(env.DATA_DIR!, { recursive: true, force: true });
  }
}

async function main() {
  console.log('control-plane API bench');
  const baseline = await bareLeg('bare Hono hello-world', 0);
  const work50 = await bareLeg('bare Hono + 50 µs of CPU per request (calibration)', 50);
  const work100 = await bareLeg('bare Hono + 100 µs of CPU per request (calibration)', 100);

  const env = await testEnv({ LOG_LEVEL: 'warn', ...UNLIMITED });
  const prof = process.env.PROF;
  const platform = await spawnPlatform(env, prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []);
  let healthz: Leg;
  let allInOne: { bearer: Leg; basic: Leg };
  try {
    healthz = await load('GET /healthz (no credentials, no store)', platform.proc.pid!, `${platform.api}/healthz`);
    allInOne = await authenticatedLegs('all-in-one', platform.proc.pid!, platform.api);
  } finally {
    await platform.kill(prof ? 'SIGTERM' : 'SIGKILL');
    rmSync(env.DATA_DIR!, { recursive: true, force: true });
  }
  const cluster = await clusterLegs();

  const ratio = (x: number) => `${((x / baseline.rps) * 100).toFixed(1)}%`;
  const row = (name: string, r: Leg, vs: string) =>
    console.log(
      `| ${name} | ${Math.round(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUs.toFixed(0)} | ${(r.cpuUs / healthz.cpuUs).toFixed(2)}× | ${vs} |`,
    );
  console.log('\n| call | req/s | p50 ms | p99 ms | server CPU µs/request | CPU vs /healthz | vs bare Hono (req/s) |');
  console.log('|---|---|---|---|---|---|---|');
  row('bare Hono hello-world (baseline)', baseline, '100%');
  row('bare Hono + 50 µs CPU/request (calibration)', work50, ratio(work50.rps));
  row('bare Hono + 100 µs CPU/request (calibration)', work100, ratio(work100.rps));
  row('our GET /healthz (id, headers, metrics, log)', healthz, ratio(healthz.rps));
  row('authenticated GET (bearer)', allInOne.bearer, ratio(allInOne.bearer.rps));
  row('Basic-auth GET (API key)', allInOne.basic, ratio(allInOne.basic.rps));
  row('cluster: authenticated GET (bearer)', cluster.bearer, ratio(cluster.bearer.rps));
  row('cluster: Basic-auth GET (API key)', cluster.basic, ratio(cluster.basic.rps));

  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const cpu = (r: Leg) => r.cpuUs / healthz.cpuUs;
  const p50 = (name: 'bearer' | 'basic') => cluster[name].p50 / allInOne[name].p50;
  console.log(
    `\ntarget: authenticated GET ≤ 1.3× the server CPU of /healthz → bearer ${cpu(allInOne.bearer).toFixed(2)}×, ` +
      `Basic ${cpu(allInOne.basic).toFixed(2)}× → ${verdict(cpu(allInOne.bearer) <= 1.3 && cpu(allInOne.basic) <= 1.3)}`,
  );
  console.log(
    `target: cluster p50 ≤ 1.2× the all-in-one p50 → bearer ${p50('bearer').toFixed(2)}×, Basic ` +
      `${p50('basic').toFixed(2)}× → ${verdict(p50('bearer') <= 1.2 && p50('basic') <= 1.2)}`,
  );
  console.log(
    `(earlier target, kept for comparison: authenticated GET ≥ 50% of bare Hono's req/s → ` +
      `${verdict(allInOne.bearer.rps / baseline.rps >= 0.5)})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

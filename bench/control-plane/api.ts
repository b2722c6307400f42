// Requests per second and p99 of an authenticated GET (bearer) and a Basic-auth call, beside a bare
// Hono hello-world measured in the same run on the same machine. Each server runs in its own process;
// autocannon drives it from this one.
//   npx tsx bench/control-plane/api.ts [seconds=10] [connections=50]
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { freePort, waitFor } from '@beamline/core/testing';
import { ApiClient } from '../../control-plane/test/helpers';
import { spawnPlatform, testEnv } from '../../all-in-one/test/harness';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);

async function load(title: string, url: string, headers: Record<string, string> = {}) {
  process.stdout.write(`  measuring ${title} for ${seconds}s with ${connections} connections… `);
  const result = await autocannon({ url, connections, duration: seconds, headers });
  const rps = result.requests.average;
  const p99 = result.latency.p99;
  const errors = result.errors + result.non2xx;
  console.log(`${Math.round(rps)} req/s, p99 ${p99} ms${errors ? `, ${errors} errors/non-2xx` : ''}`);
  if (errors > 0) throw new Error(`${title}: ${errors} failed requests; the figure would be meaningless`);
  return { rps, p99 };
}

async function main() {
  console.log('control-plane API bench');
  const barePort = await freePort();
  const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/control-plane/bare-hono.ts', String(barePort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let bareOut = '';
  bare.stdout!.on('data', (d: Buffer) => (bareOut += d));
  await waitFor(() => bareOut.includes('ready'), { what: 'bare hono', timeoutMs: 20_000 });
  const baseline = await load('bare Hono hello-world', `http://127.0.0.1:${barePort}/`);
  bare.kill('SIGKILL');

  const env = await testEnv({
    LOG_LEVEL: 'warn',
    RATE_LIMIT_API_KEY_PER_MINUTE: '100000000',
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    // the plan's API rate per app (Free by default) would cap the API-key leg too
    PLANS_JSON: JSON.stringify({ free: { limits: { apiRequestsPerMinute: 100_000_000 } } }),
  });
  const platform = await spawnPlatform(env);
  try {
    const api = new ApiClient((path, init) => fetch(platform.api + path, init));
    const dev = await api.register();
    const app = await api.createApp(dev.token, 'bench');
    const url = `${platform.api}/v1/apps/${app.appId}`;
    const bearer = await load('authenticated GET /v1/apps/{appId} (bearer)', url, {
      authorization: `Bearer ${dev.token}`,
    });
    const basic = await load('Basic-auth GET /v1/apps/{appId} (API key)', url, {
      authorization: `Basic ${Buffer.from(`${app.key}:${app.secret}`).toString('base64')}`,
    });
    const ratio = (x: number) => `${((x / baseline.rps) * 100).toFixed(1)}%`;
    console.log('\n| call | req/s | p99 ms | vs bare Hono |');
    console.log('|---|---|---|---|');
    console.log(`| bare Hono hello-world (baseline) | ${Math.round(baseline.rps)} | ${baseline.p99} | 100% |`);
    console.log(`| authenticated GET (bearer) | ${Math.round(bearer.rps)} | ${bearer.p99} | ${ratio(bearer.rps)} |`);
    console.log(`| Basic-auth GET (API key) | ${Math.round(basic.rps)} | ${basic.p99} | ${ratio(basic.rps)} |`);
    console.log(
      `\ntarget: authenticated GET ≥ 50% of bare Hono → ${bearer.rps / baseline.rps >= 0.5 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await platform.kill();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

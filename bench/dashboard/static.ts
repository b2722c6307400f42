// Requests per second of the dashboard served by the control plane (a hashed asset, and a client route answered
// with the app shell) beside bare Hono + serveStatic over the same files, in alternating rounds of the same run.
// Each server runs in its own process; autocannon drives both from this one.
//   npx tsx bench/dashboard/static.ts [seconds=5] [connections=20] [rounds=3]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import autocannon from 'autocannon';
import { freePort, waitFor } from '@beamline/core/testing';
import { spawnPlatform, testEnv } from '@beamline/testkit';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 20);
const rounds = Number(process.argv[4] ?? 3);
const dist = 'dashboard/dist';

async function rps(url: string, headers: Record<string, string> = {}): Promise<number> {
  const r = await autocannon({ url, connections, duration: seconds, headers });
  if (r.errors + r.non2xx > 0) throw new Error(`${url}: ${r.errors + r.non2xx} failed requests`);
  return r.requests.average;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  if (!existsSync(`${dist}/index.html`))
    execFileSync('npm', ['run', 'build', '--workspace', 'dashboard'], { stdio: 'inherit' });
  const entry = readdirSync(`${dist}/assets`).find((f) => /^index-.*\.js$/.test(f))!;
  console.log(`dashboard static bench: asset ${entry}, ${seconds}s × ${connections} connections, ${rounds} rounds`);

  const barePort = await freePort();
  const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/dashboard/bare-static.ts', String(barePort), dist], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  bare.stdout!.on('data', (d: Buffer) => (out += d));
  await waitFor(() => out.includes('ready'), { what: 'bare serveStatic', timeoutMs: 20_000 });
  const platform = await spawnPlatform(await testEnv({ LOG_LEVEL: 'warn' }));
  const base = `http://127.0.0.1:${barePort}`;
  const legs = {
    'hashed asset': [`${base}/assets/${entry}`, `${platform.api}/assets/${entry}`, {}],
    'hashed asset, gzip accepted': [
      `${base}/assets/${entry}`,
      `${platform.api}/assets/${entry}`,
      { 'accept-encoding': 'gzip' },
    ],
    'client route → app shell': [`${base}/apps/app_x/streams`, `${platform.api}/apps/app_x/streams`, {}],
  } as const;
  const results: Record<string, { bare: number[]; ours: number[] }> = {};
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [name, [bareUrl, ourUrl, headers]] of Object.entries(legs)) {
        const r = (results[name] ??= { bare: [], ours: [] });
        r.bare.push(await rps(bareUrl, headers));
        r.ours.push(await rps(ourUrl, headers));
        console.log(
          `  round ${round} ${name}: bare ${Math.round(r.bare.at(-1)!)}, ours ${Math.round(r.ours.at(-1)!)} req/s`,
        );
      }
    }
  } finally {
    bare.kill('SIGKILL');
    await platform.kill();
  }
  console.log('\n| request | bare serveStatic req/s (median) | control plane req/s (median) | ratio |');
  console.log('|---|---|---|---|');
  for (const [name, r] of Object.entries(results)) {
    const b = median(r.bare);
    const o = median(r.ours);
    console.log(`| ${name} | ${Math.round(b)} | ${Math.round(o)} | ${((o / b) * 100).toFixed(1)}% |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

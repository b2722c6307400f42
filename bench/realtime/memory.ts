// Idle memory per connection: N clients connected and joined to one channel, our node vs a bare Socket.IO
// server with the clients in one room. Each server first serves WARM_UP clients that connect and leave, so
// that one-time work (code compiled on first use, the store's first reads, caches) is not counted per
// connection; each count is measured ROUNDS times (BENCH_ROUNDS, default 3) and the median is given.
// Run: npx tsx bench/realtime/memory.ts [counts...]  (default 1000 10000)
import { fmt, openClients, startServer } from './clients';

const COUNTS = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1000, 10_000];
const CONNECT_BUDGET_MS = 180_000;
const WARM_UP = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Sample {
  perConnRss: number;
  perConnHeap: number;
  seconds: number;
}

async function sample(mode: 'ours' | 'bare', count: number): Promise<Sample | string> {
  const server = await startServer(mode, 1);
  try {
    const warm = await openClients(server, mode, WARM_UP, { batch: 100 });
    for (const s of warm) s.disconnect();
    await new Promise((r) => setTimeout(r, 1000));
    const before = await server.memory();
    const started = performance.now();
    const opening = openClients(server, mode, count, { batch: 100 });
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), CONNECT_BUDGET_MS).unref());
    const sockets = await Promise.race([opening, timeout]);
    if (sockets === 'timeout') return `not measured: ${count} connections took over ${CONNECT_BUDGET_MS / 1000} s`;
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const after = await server.memory();
    for (const s of sockets) s.disconnect();
    return {
      perConnRss: (after.rss - before.rss) / count,
      perConnHeap: (after.heapUsed + after.external - before.heapUsed - before.external) / count,
      seconds,
    };
  } finally {
    await server.stop();
  }
}

console.log(
  '| connections | bare KB/conn (rss / heap) | ours KB/conn (rss / heap) | ours/bare (rss / heap) | connect time bare / ours |',
);
console.log('|---|---|---|---|---|');
/** The round with the median RSS per connection; a string when any round could not be measured. */
async function measured(mode: 'ours' | 'bare', count: number): Promise<Sample | string> {
  const rounds: Sample[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const one = await sample(mode, count);
    if (typeof one === 'string') return one;
    rounds.push(one);
  }
  return rounds.sort((a, b) => a.perConnRss - b.perConnRss)[Math.floor(rounds.length / 2)]!;
}

for (const count of COUNTS) {
  const bare = await measured('bare', count);
  const ours = await measured('ours', count);
  const kb = (n: number) => fmt(n / 1024);
  const cell = (x: Sample | string) => (typeof x === 'string' ? x : `${kb(x.perConnRss)} / ${kb(x.perConnHeap)}`);
  if (typeof bare === 'string' || typeof ours === 'string') {
    console.log(`| ${count} | ${cell(bare)} | ${cell(ours)} | | |`);
    continue;
  }
  console.log(
    `| ${count} | ${kb(bare.perConnRss)} / ${kb(bare.perConnHeap)} | ${kb(ours.perConnRss)} / ${kb(ours.perConnHeap)} | ` +
      `${fmt(ours.perConnRss / bare.perConnRss, 2)} / ${fmt(ours.perConnHeap / bare.perConnHeap, 2)} | ${fmt(bare.seconds)} s / ${fmt(ours.seconds)} s |`,
  );
}
process.exit(0);

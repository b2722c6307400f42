// Idle memory per connection: N clients connected and joined to one channel, our node vs a bare Socket.IO
// server with the clients in one room. Run: npx tsx bench/realtime/memory.ts [counts...]  (default 1000 10000)
import { fmt, openClients, startServer } from './clients';

const COUNTS = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1000, 10_000];
const CONNECT_BUDGET_MS = 180_000;

interface Sample {
  perConnRss: number;
  perConnHeap: number;
  seconds: number;
}

async function sample(mode: 'ours' | 'bare', count: number): Promise<Sample | string> {
  const server = await startServer(mode, 1);
  try {
    await new Promise((r) => setTimeout(r, 500));
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
for (const count of COUNTS) {
  const bare = await sample('bare', count);
  const ours = await sample('ours', count);
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

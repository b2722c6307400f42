// Fan-out bench: 1,000 clients in one channel, 50 and 100 messages per second, through our full path
// (auth, moderation, storage, ack, event bus) beside a bare Socket.IO room broadcast of the same load,
// on one node and on two nodes through Redis. Run: npx tsx bench/realtime/fanout.ts [clients] [seconds] [one|two|both] [rounds]
import { startRedis } from '@beamline/core/testing';
import type { EventEnvelope } from '@beamline/protocol';
import type { Socket } from 'socket.io-client';
import { fmt, openClients, percentile, startServer } from './clients';

const CLIENTS = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 8);
// RATES=50 (comma-separated) measures only those rates, for profiles of one load.
const RATES = (process.env.RATES ?? '50,100').split(',').map(Number);
const SENDERS = 100;
const TOPOLOGY = process.argv[4] ?? 'both'; // one | two | both
const ROUNDS = Number(process.argv[5] ?? 3);

interface Result {
  sent: number;
  deliveries: number;
  expected: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Size of one delivered envelope as JSON. */
  bytes: number;
}

async function measure(mode: 'ours' | 'bare', sockets: Socket[], rate: number, channelId?: string): Promise<Result> {
  const latencies = new Float64Array(rate * SECONDS * sockets.length + 1);
  let deliveries = 0;
  let lastReceive = 0;
  let bytes = 0;
  const run = `r${Math.random().toString(36).slice(2, 8)}`;
  const onText = (text: string) => {
    if (!text.startsWith(run)) return;
    const now = performance.now();
    latencies[deliveries++] = now - Number(text.slice(run.length + 1));
    lastReceive = now;
  };
  const listeners = sockets.map((s) => {
    // Both servers send the same envelope (a chat message); bare on its own event name.
    const fn = (e: EventEnvelope) => {
      if (e.type !== 'chat.message.new') return;
      bytes ||= JSON.stringify(e).length;
      onText((e.data as { message: { text: string } }).message.text);
    };
    s.on(mode === 'ours' ? 'event' : 'msg', fn);
    return () => s.off(mode === 'ours' ? 'event' : 'msg', fn);
  });
  const send = (i: number) => {
    const socket = sockets[(i * 7) % Math.min(SENDERS, sockets.length)]!;
    const text = `${run}:${performance.now()}`;
    const clientId = `${run}-${i}`;
    const payload = mode === 'ours' ? { channelId, text, clientId } : { room: 'room', text, clientId };
    socket.emit(mode === 'ours' ? 'message.send' : 'send', payload, (ack: { ok?: boolean; error?: unknown }) => {
      if (!ack.ok) console.error('send refused', ack.error);
    });
  };
  const total = rate * SECONDS;
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) send(sent++);
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  const expected = total * sockets.length;
  // Wait for the tail: until everything arrived, or nothing arrived for 10 s (at most 60 s), so the next
  // rate starts on idle sockets and a backlog shows up as latency rather than as loss (3 s of quiet was not
  // always the end of a saturated server's backlog).
  const giveUp = performance.now() + 60_000;
  let seen = deliveries;
  let quietSince = performance.now();
  while (deliveries < expected && performance.now() < giveUp && performance.now() - quietSince < 10_000) {
    await new Promise((r) => setTimeout(r, 100));
    if (deliveries !== seen) {
      seen = deliveries;
      quietSince = performance.now();
    }
  }
  for (const off of listeners) off();
  const sorted = latencies.subarray(0, deliveries).sort();
  return {
    sent: total,
    deliveries,
    expected,
    perSecond: deliveries / ((lastReceive - start) / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    bytes,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Both servers and both sets of clients are up together, and the measurements alternate (bare, ours, ours,
 * bare…) for ROUNDS rounds at each rate, so that each side sees the same moments of the shared machine; the
 * table gives the median of each figure over the rounds.
 */
async function scenario(nodes: number, redisUrl?: string) {
  const sides = [];
  for (const mode of ['bare', 'ours'] as const) {
    const server = await startServer(mode, nodes, redisUrl);
    const sockets = await openClients(server, mode, CLIENTS);
    await measure(mode, sockets, 20, server.info.channelId); // warm-up
    sides.push({ mode, server, sockets, runs: new Map<number, Result[]>() });
  }
  for (const rate of RATES) {
    for (let round = 0; round < ROUNDS; round++) {
      // Each side goes first in every other round, so that neither always follows the other's tail.
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const result = await measure(side.mode, side.sockets, rate, side.server.info.channelId);
        side.runs.set(rate, [...(side.runs.get(rate) ?? []), result]);
      }
    }
  }
  for (const side of sides) {
    for (const s of side.sockets) s.disconnect();
    await side.server.stop();
  }
  const label = nodes === 1 ? '1 node' : `${nodes} nodes + Redis`;
  for (const rate of RATES) {
    const [bare, ours] = sides.map((side) => {
      const runs = side.runs.get(rate)!;
      return {
        perSecond: median(runs.map((r) => r.perSecond)),
        p50: median(runs.map((r) => r.p50)),
        p99: median(runs.map((r) => r.p99)),
        delivered: Math.min(...runs.map((r) => r.deliveries / r.expected)),
        bytes: runs[0]!.bytes,
      };
    }) as [Summary, Summary];
    console.log(
      `| ${label} | ${rate} msg/s | ${fmt(bare.perSecond, 0)} | ${fmt(ours.perSecond, 0)} | ${fmt(ours.perSecond / bare.perSecond, 2)} | ` +
        `${fmt(bare.p50)} / ${fmt(bare.p99)} | ${fmt(ours.p50)} / ${fmt(ours.p99)} | ${fmt(ours.p99 / bare.p99, 2)} | ` +
        `${(100 * bare.delivered).toFixed(1)}% / ${(100 * ours.delivered).toFixed(1)}% | ${bare.bytes} / ${ours.bytes} |`,
    );
  }
}

interface Summary {
  perSecond: number;
  p50: number;
  p99: number;
  /** The lowest share delivered in any round. */
  delivered: number;
  bytes: number;
}

console.log(
  `${CLIENTS} clients in one channel, ${SECONDS} s per rate, ${SENDERS} senders, clients in one process, medians of ${ROUNDS} alternating rounds`,
);
console.log(
  '| topology | load | bare deliveries/s | ours deliveries/s | ours/bare | bare p50 / p99 ms | ours p50 / p99 ms | p99 ours/bare | lowest delivered bare / ours | envelope bytes bare / ours |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
if (TOPOLOGY !== 'two') await scenario(1);
if (TOPOLOGY !== 'one') {
  const redis = await startRedis();
  try {
    await scenario(2, redis.url);
  } finally {
    await redis.stop();
  }
}
process.exit(0);

// Edge usage reports applied per second (receipt, analytics buckets at three resolutions, day and month
// meters) into the embedded store, beside a bare insert loop of documents of the same size into the same
// store, in the same run. Also: retried reports per second (the receipt check alone).
//   npx tsx bench/usage/reports.ts [reports=2000] [rounds=3]
import { appStreams, EmbeddedStore } from '@beamline/core';
import { tempDir } from '@beamline/core/testing';
import { applyEdgeReport, type EdgeUsageReport } from '../../control-plane/src/usage/edge-report';

const reports = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 3);
const STREAMS = 4;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function report(edgeId: string, seq: number, at: number): EdgeUsageReport {
  return {
    edgeId,
    seq,
    from: at - 5_000,
    to: at,
    streams: [
      {
        streamId: `str_bench${seq % STREAMS}`,
        viewers: 10 + (seq % 7),
        bytes: 1_250_000,
        viewerSeconds: 50,
        ingestSeconds: 5,
        renditions: 3,
      },
    ],
  };
}

async function main() {
  const dir = tempDir();
  const store = new EmbeddedStore({ dataDir: dir.path });
  const streams = appStreams(store, 'app_bench');
  for (let i = 0; i < STREAMS; i++)
    await streams.insert({ id: `str_bench${i}`, name: `s${i}`, playbackId: `pb_bench${i}`, playbackPolicy: 'public' });
  const bare = store.collection<{ id: string; payload: unknown }>('bench_bare');
  const ours: number[] = [];
  const base: number[] = [];
  const retries: number[] = [];
  const start = Date.now();
  for (let round = 0; round < rounds; round++) {
    const edgeId = `edge-bench-${round}`;
    // reports spread over a few minutes of buckets, as an edge reporting every 5 s would make
    const at = (seq: number) => start + seq * 5_000;
    let t = performance.now();
    for (let seq = 0; seq < reports; seq++)
      await applyEdgeReport(store, report(edgeId, seq, at(seq)), new Date(at(seq)));
    ours.push(reports / ((performance.now() - t) / 1000));

    t = performance.now();
    for (let seq = 0; seq < reports; seq += 1)
      await applyEdgeReport(store, report(edgeId, seq, at(seq)), new Date(at(seq)));
    retries.push(reports / ((performance.now() - t) / 1000));

    t = performance.now();
    for (let i = 0; i < reports; i++) await bare.insert({ id: `r${round}_${i}`, payload: report(edgeId, i, at(i)) });
    base.push(reports / ((performance.now() - t) / 1000));
  }
  await store.close();
  dir.remove();
  const o = median(ours);
  const b = median(base);
  const r = median(retries);
  console.log(`reports per round: ${reports}, rounds: ${rounds}, store: embedded (NeDB, append-only file)`);
  for (let i = 0; i < rounds; i++)
    console.log(
      `round ${i + 1}: bare ${base[i]!.toFixed(0)} docs/s, reports ${ours[i]!.toFixed(0)}/s (${(ours[i]! / base[i]!).toFixed(3)}x), retried ${retries[i]!.toFixed(0)}/s`,
    );
  console.log(`bare insert loop:        ${b.toFixed(0)} docs/s`);
  console.log(`usage reports applied:   ${o.toFixed(0)} reports/s  (${(o / b).toFixed(3)}x the bare insert loop)`);
  console.log(`retried reports ignored: ${r.toFixed(0)} reports/s  (${(r / b).toFixed(3)}x)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

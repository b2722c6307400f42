// Reading analytics: overview, timelines per app or stream, top streams, and CSV export of a timeline.
import type { DocumentStore } from '@beamline/core';
import { streamRepos } from '../streams/repo';
import { PEAK_FIELDS, readBuckets, SUM_FIELDS, type BucketDoc, type Resolution } from './buckets';

export const RANGES = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
} as const;
export type Range = keyof typeof RANGES;

/** The resolution a range is read at by default: minutes for a day, hours for a week, days beyond. */
export const DEFAULT_RESOLUTION: Record<Range, Resolution> = {
  '24h': 'minute',
  '7d': 'hour',
  '30d': 'day',
  '90d': 'day',
};

export interface TimelinePoint {
  start: string;
  viewers: number;
  watchMinutes: number;
  bytesServed: number;
  ingestMinutes: number;
  messages: number;
  reactions: number;
  chatJoins: number;
  apiCalls: number;
  api2xx: number;
  api4xx: number;
  api5xx: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function point(b: BucketDoc): TimelinePoint {
  return {
    start: b.start,
    viewers: b.peakViewers ?? 0,
    watchMinutes: round3((b.viewerSeconds ?? 0) / 60),
    bytesServed: b.bytesServed ?? 0,
    ingestMinutes: round3((b.ingestSeconds ?? 0) / 60),
    messages: b.messages ?? 0,
    reactions: b.reactions ?? 0,
    chatJoins: b.joins ?? 0,
    apiCalls: b.apiCalls ?? 0,
    api2xx: b.api2xx ?? 0,
    api4xx: b.api4xx ?? 0,
    api5xx: b.api5xx ?? 0,
  };
}

function sum(buckets: BucketDoc[]) {
  const out: Partial<Record<(typeof SUM_FIELDS)[number] | (typeof PEAK_FIELDS)[number], number>> = {};
  for (const b of buckets) {
    for (const f of SUM_FIELDS) out[f] = (out[f] ?? 0) + (b[f] ?? 0);
    for (const f of PEAK_FIELDS) out[f] = Math.max(out[f] ?? 0, b[f] ?? 0);
  }
  return out;
}

export async function timeline(
  store: DocumentStore,
  appId: string,
  q: { range: Range; resolution?: Resolution | undefined; streamId?: string | undefined },
  now: Date,
) {
  const resolution = q.resolution ?? DEFAULT_RESOLUTION[q.range];
  const from = new Date(now.getTime() - RANGES[q.range]);
  const buckets = await readBuckets(store, appId, resolution, from, now, q.streamId ?? 'app');
  return {
    range: q.range,
    resolution,
    from: from.toISOString(),
    to: now.toISOString(),
    streamId: q.streamId ?? null,
    points: buckets.map(point),
  };
}

export async function overview(store: DocumentStore, appId: string, range: Range, now: Date) {
  const from = new Date(now.getTime() - RANGES[range]);
  const resolution = DEFAULT_RESOLUTION[range] === 'minute' ? 'hour' : 'day';
  const totals = sum(await readBuckets(store, appId, resolution, from, now, 'app'));
  const live = await streamRepos(store).forApp(appId).streams.find({ state: 'live' });
  return {
    range,
    from: from.toISOString(),
    to: now.toISOString(),
    liveNow: live.length,
    viewersNow: live.reduce((n, s) => n + (s.viewers ?? 0), 0),
    peakViewers: totals.peakViewers ?? 0,
    watchMinutes: round3((totals.viewerSeconds ?? 0) / 60),
    bytesServed: totals.bytesServed ?? 0,
    ingestMinutes: round3((totals.ingestSeconds ?? 0) / 60),
    messages: totals.messages ?? 0,
    reactions: totals.reactions ?? 0,
    chatJoins: totals.joins ?? 0,
    apiCalls: totals.apiCalls ?? 0,
  };
}

export async function topStreams(store: DocumentStore, appId: string, range: Range, limit: number, now: Date) {
  const from = new Date(now.getTime() - RANGES[range]);
  const resolution = DEFAULT_RESOLUTION[range] === 'minute' ? 'hour' : 'day';
  const buckets = await readBuckets(store, appId, resolution, from, now, { $ne: 'app' });
  const byStream = new Map<string, BucketDoc[]>();
  for (const b of buckets) {
    if (!b.scope.startsWith('str_')) continue;
    byStream.set(b.scope, [...(byStream.get(b.scope) ?? []), b]);
  }
  const rows = [...byStream].map(([streamId, list]) => {
    const t = sum(list);
    return {
      streamId,
      watchMinutes: round3((t.viewerSeconds ?? 0) / 60),
      peakViewers: t.peakViewers ?? 0,
      bytesServed: t.bytesServed ?? 0,
      ingestMinutes: round3((t.ingestSeconds ?? 0) / 60),
    };
  });
  rows.sort((a, b) => b.watchMinutes - a.watchMinutes || b.peakViewers - a.peakViewers);
  const top = rows.slice(0, limit);
  const names = new Map(
    (
      await streamRepos(store)
        .forApp(appId)
        .streams.find({ id: { $in: top.map((r) => r.streamId) } })
    ).map((s) => [s.id, s.name]),
  );
  return { range, data: top.map((r) => ({ ...r, name: names.get(r.streamId) ?? null })) };
}

const CSV_COLUMNS: (keyof TimelinePoint)[] = [
  'start',
  'viewers',
  'watchMinutes',
  'bytesServed',
  'ingestMinutes',
  'messages',
  'reactions',
  'chatJoins',
  'apiCalls',
  'api2xx',
  'api4xx',
  'api5xx',
];

export function timelineCsv(points: TimelinePoint[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const p of points) lines.push(CSV_COLUMNS.map((c) => String(p[c])).join(','));
  return `${lines.join('\n')}\n`;
}

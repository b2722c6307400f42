// Analytics time buckets: per minute, hour and day, per app and per stream, written at once on every report
// (the hour and day buckets are the rollup of the minute ones) and dropped after each resolution's retention.
import { tenantCollection, type DocumentStore, type IndexSpec } from '@beamline/core';

export const RESOLUTIONS = ['minute', 'hour', 'day'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Summed figures of a bucket. */
export const SUM_FIELDS = [
  'viewerSeconds',
  'bytesServed',
  'ingestSeconds',
  'renditionSeconds',
  'messages',
  'reactions',
  'joins',
  'connections',
  'apiCalls',
  'api2xx',
  'api4xx',
  'api5xx',
] as const;
export type SumField = (typeof SUM_FIELDS)[number];
/** Highest value seen in the bucket. */
export const PEAK_FIELDS = ['peakViewers', 'peakChatUsers'] as const;
export type PeakField = (typeof PEAK_FIELDS)[number];

export interface BucketDoc extends Partial<Record<SumField | PeakField, number>> {
  id: string;
  appId: string;
  resolution: Resolution;
  /** 'app' for the whole app, else the stream id (or `ch:` channel id for chat peaks). */
  scope: string;
  /** ISO start of the bucket. */
  start: string;
}

export const ANALYTICS_COLLECTION = 'analytics_buckets';
export const ANALYTICS_INDEXES: IndexSpec[] = [
  { collection: ANALYTICS_COLLECTION, fields: ['appId', 'resolution', 'scope', 'start'] },
  { collection: ANALYTICS_COLLECTION, fields: ['resolution', 'start'] },
];

const STEP_MS: Record<Resolution, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function bucketStart(at: Date, resolution: Resolution): string {
  const ms = at.getTime();
  return new Date(ms - (ms % STEP_MS[resolution])).toISOString();
}

export function stepMs(resolution: Resolution): number {
  return STEP_MS[resolution];
}

export interface BucketWrite {
  appId: string;
  scope: string;
  at: Date;
  sums?: Partial<Record<SumField, number>>;
  peaks?: Partial<Record<PeakField, number>>;
}

/** Applies writes to the minute, hour and day buckets; sums of the same bucket are merged into one upsert. */
export async function writeBuckets(store: DocumentStore, writes: BucketWrite[]): Promise<void> {
  const coll = store.collection<BucketDoc>(ANALYTICS_COLLECTION);
  const merged = new Map<string, { doc: BucketDoc; sums: Record<string, number>; peaks: Record<string, number> }>();
  for (const w of writes) {
    for (const resolution of RESOLUTIONS) {
      const start = bucketStart(w.at, resolution);
      const id = `${resolution}:${w.appId}:${w.scope}:${start}`;
      let entry = merged.get(id);
      if (!entry) {
        entry = { doc: { id, appId: w.appId, resolution, scope: w.scope, start }, sums: {}, peaks: {} };
        merged.set(id, entry);
      }
      for (const [k, v] of Object.entries(w.sums ?? {})) if (v) entry.sums[k] = (entry.sums[k] ?? 0) + v;
      for (const [k, v] of Object.entries(w.peaks ?? {})) entry.peaks[k] = Math.max(entry.peaks[k] ?? 0, v ?? 0);
    }
  }
  // Different buckets are independent writes: sent together, the store queues them in one go.
  await Promise.all(
    [...merged.values()].map(async ({ doc, sums, peaks }) => {
      const scoped = tenantCollection(coll, doc.appId);
      const { appId: _appId, ...fresh } = doc;
      const after = await scoped.upsert({ id: doc.id }, { inc: sums }, { ...fresh, ...sums, ...peaks });
      // A peak only ever rises: the filter makes the write a no-op when the stored peak is higher.
      for (const [field, value] of Object.entries(peaks))
        if (value > (after[field as PeakField] ?? 0))
          await scoped.updateOne(
            { id: doc.id, $or: [{ [field]: { $lt: value } }, { [field]: { $exists: false } }] },
            { set: { [field]: value } },
          );
    }),
  );
}

/** The buckets of an app (or one scope) at a resolution that start from `from`'s bucket up to `to`. */
export function readBuckets(
  store: DocumentStore,
  appId: string,
  resolution: Resolution,
  from: Date,
  to: Date,
  scope?: string | { $ne: string },
): Promise<BucketDoc[]> {
  return tenantCollection(store.collection<BucketDoc>(ANALYTICS_COLLECTION), appId).find(
    {
      resolution,
      ...(scope ? { scope } : {}),
      start: { $gte: bucketStart(from, resolution), $lte: to.toISOString() },
    },
    { sort: { start: 1 } },
  );
}

/** Drops buckets past their resolution's retention; returns how many went. */
export async function pruneBuckets(
  store: DocumentStore,
  now: Date,
  retentionMs: Record<Resolution, number>,
): Promise<number> {
  const coll = store.collection<BucketDoc>(ANALYTICS_COLLECTION);
  let removed = 0;
  for (const resolution of RESOLUTIONS) {
    const before = new Date(now.getTime() - retentionMs[resolution]).toISOString();
    removed += await coll.deleteMany({ resolution, start: { $lt: before } });
  }
  return removed;
}

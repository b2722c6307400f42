// Billable meters: per app, per day and per month, incremented exactly once per (source, interval) key.
import {
  DuplicateKeyError,
  tenantCollection,
  type Collection,
  type DocumentStore,
  type IndexSpec,
} from '@beamline/core';

/** Each meter is stored in a base unit and billed in its own unit (`perUnit` base units make one). */
export const METERS = {
  live_ingest_minutes: { unit: 'minute', base: 'second', perUnit: 60 },
  transcoded_rendition_minutes: { unit: 'minute', base: 'second', perUnit: 60 },
  viewer_minutes: { unit: 'minute', base: 'second', perUnit: 60 },
  egress_gb: { unit: 'GB', base: 'byte', perUnit: 1e9 },
  recording_storage_gb_days: { unit: 'GB-day', base: 'byte-day', perUnit: 1e9 },
  chat_mau: { unit: 'user', base: 'user', perUnit: 1 },
  chat_messages: { unit: 'message', base: 'message', perUnit: 1 },
  api_calls: { unit: 'call', base: 'call', perUnit: 1 },
} as const;
export type MeterName = keyof typeof METERS;
export const METER_NAMES = Object.keys(METERS) as MeterName[];

export interface MeterDoc {
  id: string;
  appId: string;
  meter: MeterName;
  /** 'YYYY-MM' (month) or 'YYYY-MM-DD' (day), UTC. */
  period: string;
  value: number;
  updatedAt: string;
}

/** Proof that the increments of one report were applied; its id is the report's source and interval. */
export interface ReceiptDoc {
  id: string;
  createdAt: string;
}

export const USAGE_COLLECTIONS = { meters: 'usage_meters', receipts: 'usage_receipts' } as const;

export const METER_INDEXES: IndexSpec[] = [
  { collection: USAGE_COLLECTIONS.meters, fields: ['appId', 'period'] },
  { collection: USAGE_COLLECTIONS.receipts, fields: ['createdAt'] },
];

/** All apps' meters, for the billing job; one app's are read through readMeters. */
export function metersCollection(store: DocumentStore): Collection<MeterDoc> {
  return store.collection<MeterDoc>(USAGE_COLLECTIONS.meters);
}

/** Receipts of applied reports and monthly-active-user identities (ids `mau:{appId}:{month}:{userId}`). */
export function receiptsCollection(store: DocumentStore): Collection<ReceiptDoc> {
  return store.collection<ReceiptDoc>(USAGE_COLLECTIONS.receipts);
}

export const monthOf = (at: Date) => at.toISOString().slice(0, 7);
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

export interface MeterIncrement {
  appId: string;
  meter: MeterName;
  /** In the meter's base unit. */
  amount: number;
  at: Date;
}

/**
 * Claims the key of a report. true: first time, apply it; false: already applied (a retry).
 * The receipt is written before the increments, so a crash between the two loses that
 * report's counts rather than counting them twice.
 */
export async function claimReceipt(store: DocumentStore, key: string, now: Date): Promise<boolean> {
  try {
    await receiptsCollection(store).insert({ id: key, createdAt: now.toISOString() });
    return true;
  } catch (err) {
    if (err instanceof DuplicateKeyError) return false;
    throw err;
  }
}

/** Adds increments to the day and month meters; returns the month totals after, per app and meter. */
export async function addToMeters(
  store: DocumentStore,
  increments: MeterIncrement[],
  now: Date,
): Promise<Map<string, number>> {
  const meters = metersCollection(store);
  const summed = new Map<string, MeterIncrement>();
  for (const inc of increments) {
    if (!(inc.amount > 0)) continue;
    for (const period of [monthOf(inc.at), dayOf(inc.at)]) {
      const id = `${inc.appId}:${inc.meter}:${period}`;
      const prev = summed.get(id);
      summed.set(id, { ...inc, amount: (prev?.amount ?? 0) + inc.amount });
    }
  }
  const totals = new Map<string, number>();
  const updatedAt = now.toISOString();
  await Promise.all(
    [...summed].map(async ([id, inc]) => {
      const period = id.slice(id.lastIndexOf(':') + 1);
      const doc = await tenantCollection(meters, inc.appId).upsert(
        { id },
        { inc: { value: inc.amount }, set: { updatedAt } },
        { id, meter: inc.meter, period, value: inc.amount, updatedAt },
      );
      if (period.length === 7) totals.set(`${inc.appId}:${inc.meter}:${period}`, doc.value);
    }),
  );
  return totals;
}

/** The meters of one app for a period ('YYYY-MM' or 'YYYY-MM-DD'), in base units; absent meters are 0. */
export async function readMeters(
  store: DocumentStore,
  appId: string,
  period: string,
): Promise<Record<MeterName, number>> {
  const docs = await tenantCollection(metersCollection(store), appId).find({ period });
  const out = Object.fromEntries(METER_NAMES.map((m) => [m, 0])) as Record<MeterName, number>;
  for (const d of docs) if (d.meter in out) out[d.meter] = d.value;
  return out;
}

/** A base-unit value in the meter's billing unit, rounded to 6 decimals. */
export function inUnits(meter: MeterName, base: number): number {
  return Math.round((base / METERS[meter].perUnit) * 1e6) / 1e6;
}

// Both adapters keep the document id in `_id`; the rest of the code only sees `id`.
import type { Filter, Update } from './types';

export function toStored<T extends { id: string }>(doc: T): Record<string, unknown> {
  const { id, ...rest } = doc;
  return { _id: id, ...rest };
}

export function fromStored<T>(raw: Record<string, unknown> | null | undefined): T | null {
  if (!raw) return null;
  const { _id, ...rest } = raw;
  return { id: _id, ...rest } as T;
}

export function toStoredFilter(filter: Filter): Filter {
  const out: Filter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$or' && Array.isArray(value)) out.$or = value.map((f) => toStoredFilter(f as Filter));
    else out[key === 'id' ? '_id' : key] = value;
  }
  return out;
}

export function toStoredUpdate<T>(update: Update<T>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (update.set && Object.keys(update.set).length > 0) {
    const { id: _ignored, ...set } = update.set as Record<string, unknown>;
    for (const key of Object.keys(set)) if (set[key] === undefined) delete set[key];
    if (Object.keys(set).length > 0) out.$set = set;
  }
  if (update.unset && update.unset.length > 0) out.$unset = Object.fromEntries(update.unset.map((k) => [k, true]));
  if (update.inc && Object.keys(update.inc).length > 0) out.$inc = update.inc;
  return out;
}

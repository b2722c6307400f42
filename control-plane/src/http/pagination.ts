// Cursor pagination, newest first, stable under inserts: the cursor is (createdAt, id) of the last item.
import type { Filter, FindOptions } from '@beamline/core';
import { Invalid } from '../errors';

interface Pageable {
  id: string;
  createdAt: string;
}

interface Finder<T> {
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
}

export function encodeCursor(item: Pageable): string {
  return Buffer.from(JSON.stringify([item.createdAt, item.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string];
    }
  } catch {
    // fall through
  }
  throw Invalid('invalid_cursor', 'The cursor is not one this API returned.');
}

export async function paginate<T extends Pageable>(
  coll: Finder<T>,
  filter: Filter,
  opts: { limit: number; cursor?: string | undefined },
): Promise<{ data: T[]; nextCursor: string | null }> {
  let query = filter;
  if (opts.cursor) {
    const [createdAt, id] = decodeCursor(opts.cursor);
    query = { ...filter, $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: id } }] };
  }
  const rows = await coll.find(query, { sort: { createdAt: -1, id: -1 }, limit: opts.limit + 1 });
  const data = rows.slice(0, opts.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null };
}

// The embedded store shared over loopback HTTP: one process owns the datafiles and serves them, the other
// processes of a development cluster (`npm run cluster` without MongoDB) reach them through this adapter.
// Production clusters use MongoDB; this exists so that several local processes can share one store.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { DuplicateKeyError, type Collection, type DocumentStore, type IndexSpec } from './types';

/** STORE_URL: the cluster's shared embedded store, on loopback only (it carries every app's data). */
export const storeUrlEnv = z
  .string()
  .regex(
    /^http:\/\/:[^@/]+@(127\.0\.0\.1|localhost|\[::1\]):\d+\/?$/,
    'must be http://:secret@127.0.0.1:port/ (the development cluster store, loopback only)',
  )
  .optional();

type Op = keyof Collection<{ id: string }>;
/** The collection operations served over HTTP: every one of the `Collection` port (the type checks both ways). */
const SERVED: Record<Op, true> = {
  insert: true,
  insertMany: true,
  findOne: true,
  find: true,
  count: true,
  updateOne: true,
  updateMany: true,
  upsert: true,
  deleteOne: true,
  deleteMany: true,
};
const COLLECTION_OPS = Object.keys(SERVED) as Op[];
const isCollectionOp = (op: string): op is Op => Object.hasOwn(SERVED, op);

interface Call {
  op: Op | 'ensureIndexes' | 'ping';
  collection?: string;
  args?: unknown[];
}

const MAX_BODY = 16 * 1024 * 1024;

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

function answer(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A request handler serving `store` to holders of `secret` (POST / with one call as JSON). */
export function storeHandler(store: DocumentStore, secret: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return answer(res, 405, { error: { code: 'method_not_allowed' } });
    if (!sameSecret(req.headers.authorization ?? '', `Bearer ${secret}`))
      return answer(res, 401, { error: { code: 'unauthorized', message: 'The store secret is missing or wrong.' } });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let call: Call;
      try {
        call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Call;
      } catch {
        return answer(res, 400, { error: { code: 'bad_request', message: 'The body is not JSON.' } });
      }
      run(store, call).then(
        (result) => answer(res, 200, { result: result ?? null }),
        (err: unknown) =>
          err instanceof DuplicateKeyError
            ? answer(res, 409, { error: { code: 'duplicate_key', collection: err.collection } })
            : answer(res, 500, { error: { code: 'store_error', message: String((err as Error)?.message ?? err) } }),
      );
    });
  };
}

async function run(store: DocumentStore, call: Call): Promise<unknown> {
  if (call.op === 'ping') return store.ping();
  if (call.op === 'ensureIndexes') return store.ensureIndexes((call.args?.[0] ?? []) as IndexSpec[]);
  if (!isCollectionOp(call.op) || typeof call.collection !== 'string')
    throw new Error(`unknown store call ${String(call.op)}`);
  const coll = store.collection(call.collection) as unknown as Record<Op, (...a: unknown[]) => Promise<unknown>>;
  return coll[call.op](...(call.args ?? []));
}

/** A store whose datafiles another process serves with `storeHandler`; `url` is http://:secret@host:port/. */
export class RemoteStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  private readonly auth: string;
  private readonly endpoint: string;

  constructor(url: string) {
    const u = new URL(url);
    this.auth = `Bearer ${decodeURIComponent(u.password)}`;
    this.endpoint = `${u.origin}${u.pathname}`;
  }

  private async call(call: Call): Promise<unknown> {
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'application/json' },
      body: JSON.stringify(call),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as {
      result?: unknown;
      error?: { code: string; message?: string; collection?: string };
    };
    if (res.status === 200) return body.result;
    if (body.error?.code === 'duplicate_key')
      throw new DuplicateKeyError(body.error.collection ?? call.collection ?? '');
    throw new Error(`store ${call.op} failed (${res.status}): ${body.error?.message ?? body.error?.code}`);
  }

  collection<T extends { id: string }>(name: string): Collection<T> {
    const op =
      (o: Op) =>
      (...args: unknown[]) =>
        this.call({ op: o, collection: name, args: withoutTrailingUndefined(args) });
    return Object.fromEntries(COLLECTION_OPS.map((o) => [o, op(o)])) as unknown as Collection<T>;
  }

  async ensureIndexes(specs: IndexSpec[]): Promise<void> {
    await this.call({ op: 'ensureIndexes', args: [specs] });
  }

  async ping(): Promise<void> {
    await this.call({ op: 'ping' });
  }

  async close(): Promise<void> {
    // nothing to release: the owner of the datafiles closes them
  }
}

/** JSON turns a trailing `undefined` argument into null; the adapters expect it absent. */
function withoutTrailingUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

// A node's memory of store reads on a hot path, forgotten on every node through the bus when the data changes.
import type { EventBus } from './bus';
import type { Logger } from './logger';

export interface SharedCacheOptions<V> {
  /** Names the cache in bus messages; several caches may share a topic. */
  name: string;
  topic: string;
  bus: EventBus;
  clock: { now(): Date };
  /**
   * How long an entry is trusted without asking the store again. Changes reach the other nodes through the bus
   * at once; this bounds the wait when a bus message is lost (Redis reconnecting).
   */
  ttlMs: number;
  /** Entries kept at most; the oldest goes first. */
  max?: number;
  /** Ids an entry depends on beside its key (its app, its user…): forgetting one of them forgets the entry. */
  tagsOf?: (value: V, key: string) => readonly string[];
  /** A time (ms since the epoch, on `clock`) after which the value no longer holds, if sooner than the TTL. */
  expiresAt?: (value: V) => number | undefined;
  log?: Logger;
}

export interface Forget {
  keys?: readonly string[];
  tags?: readonly string[];
}

export interface SharedCache<V> {
  /**
   * The value of `key`: remembered, or read by `load` (concurrent callers share one read). A null answer and a
   * failed read are not remembered.
   */
  get(key: string, load: () => Promise<V | null>): Promise<V | null>;
  /** Forgets entries here, and tells every other node to forget them too. */
  forget(what: Forget): Promise<void>;
  /** Listens to the other nodes' messages. */
  start(): Promise<void>;
  close(): Promise<void>;
  readonly size: number;
}

interface Entry<V> {
  value: Promise<V | null>;
  until: number;
  /** Unknown while the read is under way: any tag forgets the entry then. */
  tags?: readonly string[];
}

interface Forgotten {
  type: 'cache.forget';
  cache: string;
  keys?: string[];
  tags?: string[];
}

const strings = (x: unknown): x is string[] | undefined =>
  x === undefined || (Array.isArray(x) && x.every((s) => typeof s === 'string'));

const isForgotten = (m: unknown): m is Forgotten => {
  const f = m as Partial<Forgotten> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    f.type === 'cache.forget' &&
    typeof f.cache === 'string' &&
    strings(f.keys) &&
    strings(f.tags)
  );
};

export function createSharedCache<V>(opts: SharedCacheOptions<V>): SharedCache<V> {
  const max = opts.max ?? 50_000;
  const entries = new Map<string, Entry<V>>();
  let unsubscribe: (() => Promise<void>) | undefined;

  const forgetHere = ({ keys = [], tags = [] }: Forget) => {
    for (const key of keys) entries.delete(key);
    if (tags.length === 0) return;
    const wanted = new Set(tags);
    for (const [key, entry] of entries) {
      if (!entry.tags || entry.tags.some((t) => wanted.has(t))) entries.delete(key);
    }
  };

  return {
    get(key, load) {
      const now = opts.clock.now().getTime();
      const hit = entries.get(key);
      if (hit && hit.until > now) return hit.value;
      const entry: Entry<V> = { value: load(), until: now + opts.ttlMs };
      entries.delete(key);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, entry);
      const drop = () => entries.get(key) === entry && entries.delete(key);
      entry.value.then((value) => {
        if (value === null || value === undefined) return drop();
        entry.tags = opts.tagsOf?.(value, key) ?? [];
        const expires = opts.expiresAt?.(value);
        if (expires !== undefined) entry.until = Math.min(entry.until, expires);
      }, drop);
      return entry.value;
    },
    async forget(what) {
      forgetHere(what);
      const message: Forgotten = {
        type: 'cache.forget',
        cache: opts.name,
        ...(what.keys?.length ? { keys: [...what.keys] } : {}),
        ...(what.tags?.length ? { tags: [...what.tags] } : {}),
      };
      await opts.bus
        .publish(opts.topic, message)
        .catch((err: unknown) =>
          opts.log?.warn({ err, cache: opts.name }, 'cache change not published; other nodes wait for their TTL'),
        );
    },
    async start() {
      unsubscribe ??= await opts.bus.subscribe(opts.topic, (message) => {
        if (isForgotten(message) && message.cache === opts.name) forgetHere(message);
      });
    },
    async close() {
      await unsubscribe?.();
      unsubscribe = undefined;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

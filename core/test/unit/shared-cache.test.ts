// The shared cache: one read per key until it is forgotten (here or on another node) or its TTL passes.
import { describe, expect, it } from 'vitest';
import { InProcessBus } from '../../src/bus';
import { createSharedCache, type SharedCache } from '../../src/cache';

interface Doc {
  id: string;
  appId: string;
  until?: number;
}

function setup(bus = new InProcessBus()) {
  const clock = { ms: 1_000_000, now: () => new Date(clock.ms) };
  const make = (): SharedCache<Doc> =>
    createSharedCache<Doc>({
      name: 'docs',
      topic: 'test-cache',
      bus,
      clock,
      ttlMs: 2_000,
      max: 3,
      tagsOf: (d) => [d.id, d.appId],
      expiresAt: (d) => d.until,
    });
  let reads = 0;
  const store = new Map<string, Doc | null>();
  const load = (key: string) => async () => {
    reads++;
    return store.get(key) ?? null;
  };
  return { bus, clock, make, store, load, reads: () => reads };
}

/** Lets the in-process bus deliver what was published. */
const delivered = () => new Promise((r) => setImmediate(r));

describe('createSharedCache', () => {
  it('reads once per key while the TTL lasts, and shares a read under way', async () => {
    const t = setup();
    const cache = t.make();
    t.store.set('a', { id: 'key_a', appId: 'app_1' });
    const [x, y] = await Promise.all([cache.get('a', t.load('a')), cache.get('a', t.load('a'))]);
    expect(x).toEqual({ id: 'key_a', appId: 'app_1' });
    expect(y).toBe(x);
    await cache.get('a', t.load('a'));
    expect(t.reads()).toBe(1);
    t.clock.ms += 2_000;
    await cache.get('a', t.load('a'));
    expect(t.reads()).toBe(2);
  });

  it('does not keep a null answer or a failed read', async () => {
    const t = setup();
    const cache = t.make();
    expect(await cache.get('missing', t.load('missing'))).toBeNull();
    expect(await cache.get('missing', t.load('missing'))).toBeNull();
    expect(t.reads()).toBe(2);
    await expect(cache.get('b', () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    t.store.set('b', { id: 'key_b', appId: 'app_1' });
    expect(await cache.get('b', t.load('b'))).toEqual({ id: 'key_b', appId: 'app_1' });
  });

  it('forgets by key or by tag, here and on the other nodes', async () => {
    const t = setup();
    const here = t.make();
    const there = t.make();
    await Promise.all([here.start(), there.start()]);
    t.store.set('a', { id: 'key_a', appId: 'app_1' });
    t.store.set('b', { id: 'key_b', appId: 'app_2' });
    for (const c of [here, there]) for (const k of ['a', 'b']) await c.get(k, t.load(k));
    expect(t.reads()).toBe(4);
    await here.forget({ tags: ['app_1'] });
    expect(here.size).toBe(1);
    await delivered();
    expect(there.size).toBe(1);
    await there.forget({ keys: ['b'] });
    await delivered();
    expect(here.size).toBe(0);
    await Promise.all([here.close(), there.close()]);
  });

  it('a read under way when its tag is forgotten is not kept', async () => {
    const t = setup();
    const cache = t.make();
    let finish!: (d: Doc) => void;
    const pending = cache.get('a', () => new Promise<Doc>((r) => (finish = r)));
    await cache.forget({ tags: ['app_9'] });
    finish({ id: 'key_a', appId: 'app_1' });
    await pending;
    expect(cache.size).toBe(0);
  });

  it('an entry ends at its own expiry when that comes before the TTL, and the oldest goes past `max`', async () => {
    const t = setup();
    const cache = t.make();
    t.store.set('a', { id: 'key_a', appId: 'app_1', until: t.clock.ms + 500 });
    await cache.get('a', t.load('a'));
    t.clock.ms += 499;
    await cache.get('a', t.load('a'));
    expect(t.reads()).toBe(1);
    t.clock.ms += 1;
    await cache.get('a', t.load('a'));
    expect(t.reads()).toBe(2);
    for (const k of ['b', 'c', 'd']) {
      t.store.set(k, { id: `key_${k}`, appId: 'app_1' });
      await cache.get(k, t.load(k));
    }
    expect(cache.size).toBe(3);
  });

  it('ignores other caches’ messages on the same topic', async () => {
    const t = setup();
    const cache = t.make();
    await cache.start();
    t.store.set('a', { id: 'key_a', appId: 'app_1' });
    await cache.get('a', t.load('a'));
    await t.bus.publish('test-cache', { type: 'cache.forget', cache: 'other', keys: ['a'] });
    await t.bus.publish('test-cache', { type: 'cache.forget', cache: 'docs', keys: 'a' });
    await delivered();
    expect(cache.size).toBe(1);
    await cache.close();
  });
});

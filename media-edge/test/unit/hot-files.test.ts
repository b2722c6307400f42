// The in-memory segment cache: bounded in bytes and in idle time, so a long live stream keeps it flat.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tempDir } from '@beamline/core/testing';
import { HotFiles } from '../../src/hls/files';

const dir = tempDir();
afterAll(() => dir.remove());

function segment(name: string, bytes: number): string {
  const path = join(dir.path, name);
  writeFileSync(path, Buffer.alloc(bytes, 1));
  return path;
}

it('drops segments not requested for the idle time, and keeps those still being requested', async () => {
  let now = 0;
  const files = new HotFiles(1024 * 1024, { maxIdleMs: 30_000, now: () => now });
  const old = segment('old.ts', 1000);
  const live = segment('live.ts', 1000);
  await files.loadSegment(old);
  await files.loadSegment(live);
  expect(files.cachedBytes).toBe(2000);
  now = 20_000;
  expect(files.cachedSegment(live)).toBeDefined(); // still in the playlist: requested again
  now = 31_000;
  await files.loadSegment(segment('next.ts', 1000)); // a load sweeps what went idle
  expect(files.cachedSegment(old)).toBeUndefined();
  expect(files.cachedSegment(live)).toBeDefined();
  expect(files.cachedBytes).toBe(2000);
});

it('never holds more than its byte cap, dropping the least recently used first', async () => {
  const files = new HotFiles(2500, { maxIdleMs: 60_000 });
  const [a, b, c] = ['a.ts', 'b.ts', 'c.ts'].map((n) => segment(n, 1000));
  await files.loadSegment(a!);
  await files.loadSegment(b!);
  files.cachedSegment(a!);
  await files.loadSegment(c!);
  expect(files.cachedBytes).toBe(2000);
  expect(files.cachedSegment(b!)).toBeUndefined();
  expect(files.cachedSegment(a!)).toBeDefined();
  expect(files.cachedSegment(c!)).toBeDefined();
});

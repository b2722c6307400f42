// Hot files in memory: segments are immutable once written (ffmpeg renames them into place), so recent
// ones are kept in an LRU bounded in bytes and in idle time (a live segment is wanted for the few seconds it
// stays in the playlist, then never again); playlists and live thumbnails change, so they are re-read after a
// short TTL.
import { readFile } from 'node:fs/promises';

interface Hot {
  body: Buffer;
  usedAt: number;
}

interface Fresh {
  body: Buffer | null;
  readAt: number;
}

export class HotFiles {
  /** Least recently used first. */
  private readonly segments = new Map<string, Hot>();
  private segmentBytes = 0;
  private readonly fresh = new Map<string, Fresh>();
  private readonly loading = new Map<string, Promise<Buffer | null>>();
  private readonly maxIdleMs: number;
  private readonly maxSegmentFile: number;
  private readonly now: () => number;

  constructor(
    private readonly maxSegmentBytes: number,
    opts: { maxIdleMs?: number; maxSegmentFile?: number; now?: () => number } = {},
  ) {
    this.maxIdleMs = opts.maxIdleMs ?? 30_000;
    this.maxSegmentFile = opts.maxSegmentFile ?? 32 * 1024 * 1024;
    this.now = opts.now ?? Date.now;
  }

  /** Bytes of segments held in memory. */
  get cachedBytes(): number {
    return this.segmentBytes;
  }

  /** A cached segment, or undefined (then call loadSegment). */
  cachedSegment(path: string): Buffer | undefined {
    const hit = this.segments.get(path);
    if (!hit) return undefined;
    hit.usedAt = this.now();
    this.segments.delete(path);
    this.segments.set(path, hit);
    return hit.body;
  }

  async loadSegment(path: string): Promise<Buffer | null> {
    const body = await this.load(path);
    const now = this.now();
    if (body && body.length <= this.maxSegmentFile && !this.segments.has(path)) {
      this.segments.set(path, { body, usedAt: now });
      this.segmentBytes += body.length;
    }
    this.evict(now);
    return body;
  }

  /** Drops segments from the least recently used end while over the byte cap or idle too long. */
  private evict(now: number): void {
    const idleBefore = now - this.maxIdleMs;
    for (const [key, hot] of this.segments) {
      if (this.segmentBytes <= this.maxSegmentBytes && hot.usedAt >= idleBefore) break;
      this.segments.delete(key);
      this.segmentBytes -= hot.body.length;
    }
  }

  /** A changing file (playlist, live thumbnail) no older than `ttlMs`, or undefined when it must be read. */
  cachedFresh(path: string, ttlMs: number, now: number): Buffer | null | undefined {
    const hit = this.fresh.get(path);
    return hit && now - hit.readAt < ttlMs ? hit.body : undefined;
  }

  async loadFresh(path: string, now: number): Promise<Buffer | null> {
    const body = await this.load(path);
    if (this.fresh.size > 10_000) this.fresh.clear();
    this.fresh.set(path, { body, readAt: now });
    return body;
  }

  /** Forgets every file under `dir` (a new session reuses file names; a recording was deleted). */
  invalidate(dir: string): void {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const [key, hot] of this.segments) {
      if (key === dir || key.startsWith(prefix)) {
        this.segments.delete(key);
        this.segmentBytes -= hot.body.length;
      }
    }
    for (const key of this.fresh.keys()) if (key === dir || key.startsWith(prefix)) this.fresh.delete(key);
  }

  private load(path: string): Promise<Buffer | null> {
    let pending = this.loading.get(path);
    if (!pending) {
      pending = readFile(path)
        .catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EISDIR') return null;
          throw err;
        })
        .finally(() => this.loading.delete(path));
      this.loading.set(path, pending);
    }
    return pending;
  }
}

// Hot files in memory: segments are immutable once written (ffmpeg renames them into place), so recent
// ones are kept in an LRU bounded in bytes; playlists and live thumbnails change, so they are re-read after a short TTL.
import { readFile } from 'node:fs/promises';

interface Fresh {
  body: Buffer | null;
  readAt: number;
}

export class HotFiles {
  private readonly segments = new Map<string, Buffer>();
  private segmentBytes = 0;
  private readonly fresh = new Map<string, Fresh>();
  private readonly loading = new Map<string, Promise<Buffer | null>>();

  constructor(
    private readonly maxSegmentBytes: number,
    private readonly maxSegmentFile = 32 * 1024 * 1024,
  ) {}

  /** A cached segment, or undefined (then call loadSegment). */
  cachedSegment(path: string): Buffer | undefined {
    const hit = this.segments.get(path);
    if (hit) {
      this.segments.delete(path);
      this.segments.set(path, hit);
    }
    return hit;
  }

  async loadSegment(path: string): Promise<Buffer | null> {
    const body = await this.load(path);
    if (body && body.length <= this.maxSegmentFile && !this.segments.has(path)) {
      this.segments.set(path, body);
      this.segmentBytes += body.length;
      for (const [key, value] of this.segments) {
        if (this.segmentBytes <= this.maxSegmentBytes) break;
        this.segments.delete(key);
        this.segmentBytes -= value.length;
      }
    }
    return body;
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
    for (const [key, value] of this.segments) {
      if (key === dir || key.startsWith(prefix)) {
        this.segments.delete(key);
        this.segmentBytes -= value.length;
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

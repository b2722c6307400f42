// File work of a live stream's directory: publishing the master playlist, closing playlists, turning it into a recording.
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingSummary } from '../control-plane';
import { FFMPEG_MASTER } from '../ladder/args';
import { closePlaylist, mediaSegments, parseMaster, renderMaster } from '../ladder/playlists';

async function writeAtomic(path: string, text: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Whether every variant has at least one segment listed (the stream is playable). */
export async function variantsReady(dir: string, names: string[]): Promise<boolean> {
  for (const name of names) {
    const text = await readFile(join(dir, name, 'index.m3u8'), 'utf8').catch(() => '');
    if (!text.includes('#EXTINF')) return false;
  }
  return existsSync(join(dir, FFMPEG_MASTER));
}

export interface SourceFacts {
  width: number;
  height: number;
  /** avc1.PPCCLL of the publisher's video, when known. */
  videoCodec: string | null;
  hasAudio: boolean;
}

/**
 * Publishes `master.m3u8` from ffmpeg's: the passthrough ("source") entry gets the source's resolution,
 * codecs and a bandwidth measured from its first segment; encoded entries keep ffmpeg's figures.
 */
export async function publishMaster(dir: string, source: SourceFacts): Promise<void> {
  const entries = parseMaster(await readFile(join(dir, FFMPEG_MASTER), 'utf8'));
  for (const entry of entries) {
    const name = entry.uri.split('/')[0];
    if (name !== 'source') continue;
    const playlist = await readFile(join(dir, 'source', 'index.m3u8'), 'utf8');
    const { duration, segments } = mediaSegments(playlist);
    const first = segments[0];
    if (first && duration > 0) {
      const size = (await stat(join(dir, 'source', first))).size;
      const firstDuration = Number.parseFloat(/#EXTINF:([\d.]+)/.exec(playlist)?.[1] ?? '0') || duration;
      entry.attributes.BANDWIDTH = String(Math.round(((size * 8) / firstDuration) * 1.1));
    }
    if (source.width > 0 && source.height > 0) entry.attributes.RESOLUTION = `${source.width}x${source.height}`;
    const codecs = [source.videoCodec, source.hasAudio ? 'mp4a.40.2' : null].filter(Boolean);
    if (source.videoCodec) entry.attributes.CODECS = `"${codecs.join(',')}"`;
  }
  await writeAtomic(join(dir, 'master.m3u8'), renderMaster(entries));
}

/** Closes every variant playlist (ENDLIST; EVENT becomes VOD). */
export async function closeVariants(dir: string, names: string[]): Promise<void> {
  for (const name of names) {
    const path = join(dir, name, 'index.m3u8');
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text !== null) await writeAtomic(path, closePlaylist(text));
  }
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await sizeOf(path) : (await stat(path)).size;
  }
  return total;
}

/** Summarises a closed stream directory as a recording. */
export async function summarise(dir: string, names: string[]): Promise<RecordingSummary> {
  const master = await readFile(join(dir, 'master.m3u8'), 'utf8').catch(() => '');
  const entries = parseMaster(master);
  const first = names[0] ? await readFile(join(dir, names[0], 'index.m3u8'), 'utf8').catch(() => '') : '';
  const { duration, segments } = mediaSegments(first);
  const renditions = entries.map((e) => {
    const [w, h] = (e.attributes.RESOLUTION ?? '').split('x').map(Number);
    return {
      name: e.uri.split('/')[0] ?? e.uri,
      ...(w && h ? { width: w, height: h } : {}),
      ...(e.attributes.BANDWIDTH ? { bandwidth: Number(e.attributes.BANDWIDTH) } : {}),
    };
  });
  return {
    status: segments.length > 0 && entries.length > 0 ? 'ready' : 'failed',
    durationSeconds: Number(duration.toFixed(3)),
    sizeBytes: await sizeOf(dir),
    renditions,
  };
}

/** Removes a directory tree; retries when a late writer (a finishing thumbnail) adds a file meanwhile. */
export async function removeDir(dir: string, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

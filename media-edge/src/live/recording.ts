// The end of a live session's files: the playlists are closed, then either become a recording (moved under
// recordings/ with its meta.json) or are removed after a grace period, unless a new session took the playback id.
import type { Logger } from '@beamline/core';
import type { PublishAllow, RecordingSummary } from '@beamline/protocol/edge';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HotFiles } from '../hls/files';
import { closeVariants, removeDir, summarise } from './files';

export interface FinaliseDeps {
  mediaDir: string;
  files: HotFiles;
  log: Logger;
  /** How long the files of an unrecorded session stay for players still reading them. */
  liveFilesGraceMs: number;
  /** Whether another session of this playback id went live since (its files must stay). */
  isLive(playbackId: string): boolean;
}

export type FinishedSession = Pick<PublishAllow, 'appId' | 'streamId' | 'playbackId' | 'record' | 'recordingId'>;

/** Closes the session's variants in `dir`; the recording's summary when the session was recorded. */
export async function finaliseLiveFiles(
  deps: FinaliseDeps,
  dir: string,
  variants: string[],
  session: FinishedSession,
): Promise<RecordingSummary | undefined> {
  const recordingId = session.recordingId ?? undefined;
  try {
    await closeVariants(dir, variants);
    if (session.record && recordingId && existsSync(dir)) {
      const recording = await summarise(dir, variants);
      const target = join(deps.mediaDir, 'recordings', recordingId);
      await mkdir(join(deps.mediaDir, 'recordings'), { recursive: true });
      await rename(dir, target);
      deps.files.invalidate(dir);
      await writeFile(
        join(target, 'meta.json'),
        JSON.stringify({
          recordingId,
          playbackId: session.playbackId,
          streamId: session.streamId,
          appId: session.appId,
        }),
      );
      return recording;
    }
    setTimeout(() => {
      if (deps.isLive(session.playbackId)) return;
      deps.files.invalidate(dir);
      removeDir(dir).catch((err: unknown) => deps.log.warn({ err, dir }, 'removing live files failed'));
    }, deps.liveFilesGraceMs).unref();
    return undefined;
  } catch (err) {
    deps.log.error({ err }, 'finishing the live files failed');
    return recordingId ? { status: 'failed', durationSeconds: 0, sizeBytes: 0, renditions: [] } : undefined;
  }
}

// Recordings: what the edge kept of a live session, as a VOD playlist with a thumbnail.
import { EDGE_SIGNATURE_HEADER, signEdgeRequest } from '@beamline/core';
import type { AppCtx } from '../context';
import { NotFound } from '../errors';
import { paginate } from '../http/pagination';
import { streamRepos, type RecordingDoc } from './repo';
import type { StreamUrls } from './streams';

export function publicRecording(r: RecordingDoc, urls: StreamUrls) {
  const base = `${urls.hlsBaseUrl.replace(/\/$/, '')}/vod/${r.id}`;
  return {
    id: r.id,
    streamId: r.streamId,
    status: r.status,
    startedAt: r.startedAt,
    endedAt: r.endedAt ?? null,
    durationSeconds: r.durationSeconds ?? null,
    sizeBytes: r.sizeBytes ?? null,
    renditions: r.renditions ?? [],
    hlsUrl: `${base}/master.m3u8`,
    thumbnailUrl: `${base}/thumbnail.jpg`,
    createdAt: r.createdAt,
  };
}

const repo = (ctx: AppCtx) => streamRepos(ctx.store).forApp(ctx.appId).recordings;

export async function listRecordings(
  ctx: AppCtx,
  opts: { limit: number; cursor?: string | undefined; streamId?: string | undefined },
) {
  return paginate(repo(ctx), opts.streamId ? { streamId: opts.streamId } : {}, opts);
}

export async function getRecording(ctx: AppCtx, recordingId: string) {
  const rec = await repo(ctx).findOne({ id: recordingId });
  if (!rec) throw NotFound('recording_not_found', `No recording ${recordingId} in this app.`);
  return rec;
}

/**
 * Removes the record, then asks the edge holding the files to delete them (best effort, logged), in a request
 * signed with the edge secrets (EDGE_SECRET, and EDGE_SECRET_PREVIOUS during a rotation).
 */
export async function deleteRecording(ctx: AppCtx, edgeSecrets: readonly string[], recordingId: string) {
  const rec = await getRecording(ctx, recordingId);
  await repo(ctx).deleteOne({ id: recordingId });
  if (!rec.edgeUrl) return;
  const path = `/internal/recordings/${rec.id}`;
  try {
    const res = await fetch(`${rec.edgeUrl.replace(/\/$/, '')}${path}`, {
      method: 'DELETE',
      headers: { [EDGE_SIGNATURE_HEADER]: signEdgeRequest(edgeSecrets, { method: 'DELETE', path }) },
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok && res.status !== 404) ctx.log.warn({ recordingId, status: res.status }, 'edge refused deletion');
  } catch (err) {
    ctx.log.warn({ err, recordingId }, 'edge not reachable to delete recording files');
  }
}

// HLS delivery on plain node:http: /hls/{playbackId}/… (live) and /vod/{recordingId}/… (recordings).
// Every request of a signed stream carries a playback token; playlists are rewritten so the token
// travels on to variants and segments. Hot path: in-memory files, cached policy and token checks.
import { EDGE_AUTH_MESSAGES, EDGE_SIGNATURE_HEADER, type EdgeVerifier, type Logger } from '@beamline/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { PlaybackInfo } from '../control-plane';
import type { PlaybackAccess } from './access';
import type { HotFiles } from './files';
import type { ViewerMeter } from './viewers';

export interface RecordingMeta {
  recordingId: string;
  playbackId: string;
}

export interface HlsServerOptions {
  mediaDir: string;
  access: PlaybackAccess;
  files: HotFiles;
  viewers: ViewerMeter;
  /** Checks the signature of the control plane's requests to /internal/*. */
  verifyInternal: EdgeVerifier;
  log: Logger;
  /** The recording's playback id (for its token check), or null when the edge holds no such recording. */
  recordingMeta(recordingId: string): Promise<RecordingMeta | null>;
  deleteRecording(recordingId: string): Promise<boolean>;
  /** How long a live playlist may be served from memory. */
  playlistTtlMs?: number;
  /** Operator endpoints (/metrics, /readyz) answered before HLS routing; returns false to pass. */
  ops?(req: IncomingMessage, res: ServerResponse): boolean;
}

const PLAYBACK_ID = /^[A-Za-z0-9]{1,64}$/;
const RECORDING_ID = /^rec_[A-Za-z0-9]{1,60}$/;
const VARIANT = /^[a-z0-9_-]{1,32}$/;
const SEGMENT = /^seg_\d{5,10}\.ts$/;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Content-Length, Content-Range',
};
const PLAYLIST = 'application/vnd.apple.mpegurl';

type Kind = 'playlist' | 'segment' | 'thumbnail';

function fail(res: ServerResponse, status: number, code: string, message: string) {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    ...CORS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

const DENIAL_MESSAGES: Record<string, string> = {
  token_required: 'This stream needs a playback token (?token=…).',
  token_invalid: 'The playback token is not valid.',
  token_expired: 'The playback token has expired.',
  token_wrong_stream: 'The playback token is for another stream.',
};

/** Appends the token to every URI line of a playlist. */
export function carryToken(playlist: string, token: string): string {
  const suffix = `?token=${encodeURIComponent(token)}`;
  return playlist.replace(/^([^#\s][^\s]*)$/gm, `$1${suffix}`);
}

function tokenOf(query: string): string | null {
  if (!query) return null;
  for (const part of query.split('&')) {
    if (part.startsWith('token=')) {
      try {
        return decodeURIComponent(part.slice(6)) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

function sendBody(req: IncomingMessage, res: ServerResponse, body: Buffer, type: string, cache: string) {
  const range = req.headers.range;
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range);
    let start = m && m[1] ? Number(m[1]) : NaN;
    let end = m && m[2] ? Number(m[2]) : body.length - 1;
    if (m && !m[1] && m[2]) {
      start = Math.max(0, body.length - Number(m[2]));
      end = body.length - 1;
    }
    if (!m || Number.isNaN(start) || start > end || start >= body.length) {
      res.writeHead(416, { ...CORS, 'content-range': `bytes */${body.length}` });
      return res.end();
    }
    end = Math.min(end, body.length - 1);
    res.writeHead(206, {
      ...CORS,
      'content-type': type,
      'cache-control': cache,
      'accept-ranges': 'bytes',
      'content-range': `bytes ${start}-${end}/${body.length}`,
      'content-length': end - start + 1,
    });
    return res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
  }
  // the hot path: a flat header list skips per-request object building and header-name normalising
  res.writeHead(200, [
    'access-control-allow-origin',
    '*',
    'access-control-expose-headers',
    CORS['access-control-expose-headers'],
    'content-type',
    type,
    'cache-control',
    cache,
    'accept-ranges',
    'bytes',
    'content-length',
    String(body.length),
  ]);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The request's body, or null past `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > max ? null : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export function createHlsServer(opts: HlsServerOptions): Server {
  const { files, access, viewers } = opts;
  const playlistTtl = opts.playlistTtlMs ?? 200;

  function deliver(
    req: IncomingMessage,
    res: ServerResponse,
    info: PlaybackInfo,
    token: string | null,
    file: string,
    kind: Kind,
    live: boolean,
  ) {
    const now = Date.now();
    const check = access.check(info, token, now);
    if (!check.ok) return fail(res, 403, check.code, DENIAL_MESSAGES[check.code]!);
    const viewer = check.viewer ?? `${req.socket.remoteAddress}|${req.headers['user-agent'] ?? ''}`;
    const privacy = info.playbackPolicy === 'signed' ? 'private' : 'public';
    const send = (body: Buffer | null) => {
      if (!body) return fail(res, 404, 'not_found', 'No such file (the stream may not be live).');
      if (kind === 'segment') {
        viewers.touch(info.playbackId, viewer, body.length, now);
        return sendBody(req, res, body, 'video/mp2t', `${privacy}, max-age=31536000, immutable`);
      }
      if (kind === 'thumbnail')
        return sendBody(req, res, body, 'image/jpeg', live ? 'no-cache' : `${privacy}, max-age=3600`);
      const text = token ? carryToken(body.toString('utf8'), token) : null;
      const out = text === null ? body : Buffer.from(text);
      viewers.touch(info.playbackId, viewer, out.length, now);
      return sendBody(req, res, out, PLAYLIST, live ? 'no-cache' : `${privacy}, max-age=60`);
    };
    if (kind === 'segment') {
      const hit = files.cachedSegment(file);
      if (hit) return send(hit);
      files.loadSegment(file).then(send, (err: unknown) => serverError(res, err));
      return;
    }
    const ttl = live ? playlistTtl : 5_000;
    const hit = files.cachedFresh(file, ttl, now);
    if (hit !== undefined) return send(hit);
    files.loadFresh(file, now).then(send, (err: unknown) => serverError(res, err));
  }

  function serverError(res: ServerResponse, err: unknown) {
    opts.log.error({ err }, 'HLS request failed');
    if (!res.headersSent) fail(res, 500, 'internal_error', 'The edge could not read the file.');
    else res.destroy();
  }

  function withInfo(res: ServerResponse, playbackId: string, then: (info: PlaybackInfo) => void) {
    const info = access.info(playbackId, Date.now());
    const go = (value: PlaybackInfo | null) =>
      value ? then(value) : fail(res, 404, 'playback_not_found', 'No stream with that playback id.');
    if (info === null || 'playbackPolicy' in info) return go(info);
    info.then(go, () => fail(res, 503, 'unavailable', 'The control plane is not reachable; retry.'));
  }

  /** Maps the path below a stream's root to (file, kind), or null when it is not a file we serve. */
  function fileOf(root: string, parts: string[]): { file: string; kind: Kind } | null {
    if (parts.length === 1) {
      if (parts[0] === 'master.m3u8') return { file: join(root, 'master.m3u8'), kind: 'playlist' };
      if (parts[0] === 'thumbnail.jpg') return { file: join(root, 'thumbnail.jpg'), kind: 'thumbnail' };
      return null;
    }
    if (parts.length === 2 && VARIANT.test(parts[0]!)) {
      if (parts[1] === 'index.m3u8') return { file: join(root, parts[0]!, 'index.m3u8'), kind: 'playlist' };
      if (SEGMENT.test(parts[1]!)) return { file: join(root, parts[0]!, parts[1]!), kind: 'segment' };
    }
    return null;
  }

  async function internal(req: IncomingMessage, res: ServerResponse, parts: string[]) {
    const body = await readBody(req, 64 * 1024);
    if (body === null) return fail(res, 413, 'payload_too_large', 'The request body is too large.');
    const header = req.headers[EDGE_SIGNATURE_HEADER];
    const failure = await opts.verifyInternal({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      body,
      header: typeof header === 'string' ? header : undefined,
    });
    if (failure) return fail(res, 401, failure, EDGE_AUTH_MESSAGES[failure]);
    if (req.method === 'DELETE' && parts[2] === 'recordings' && parts.length === 4 && RECORDING_ID.test(parts[3]!)) {
      const removed = await opts.deleteRecording(parts[3]!);
      if (!removed) return fail(res, 404, 'recording_not_found', 'This edge holds no such recording.');
      res.writeHead(204, CORS);
      return res.end();
    }
    return fail(res, 404, 'not_found', 'No such route.');
  }

  const server = createServer((req, res) => {
    if (opts.ops?.(req, res)) return;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const parts = path.split('/');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS,
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': 'Range, Content-Type',
        'access-control-max-age': '86400',
      });
      return res.end();
    }
    if (parts[1] === 'internal') {
      internal(req, res, parts).catch((err: unknown) => serverError(res, err));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return fail(res, 405, 'method_not_allowed', 'Only GET and HEAD.');
    if (path === '/healthz') {
      res.writeHead(200, { ...CORS, 'content-type': 'application/json' });
      return res.end('{"status":"ok"}');
    }
    const token = q === -1 ? null : tokenOf(url.slice(q + 1));
    const id = parts[2] ?? '';
    const rest = parts.slice(3);
    if (parts[1] === 'hls' && PLAYBACK_ID.test(id)) {
      const target = fileOf(join(opts.mediaDir, 'live', id), rest);
      if (!target) return fail(res, 404, 'not_found', 'No such file.');
      return withInfo(res, id, (info) => deliver(req, res, info, token, target.file, target.kind, true));
    }
    if (parts[1] === 'vod' && RECORDING_ID.test(id)) {
      const target = fileOf(join(opts.mediaDir, 'recordings', id), rest);
      if (!target) return fail(res, 404, 'not_found', 'No such file.');
      opts.recordingMeta(id).then(
        (meta) =>
          meta
            ? withInfo(res, meta.playbackId, (info) => deliver(req, res, info, token, target.file, target.kind, false))
            : fail(res, 404, 'recording_not_found', 'No such recording on this edge.'),
        (err: unknown) => serverError(res, err),
      );
      return;
    }
    fail(res, 404, 'not_found', 'No such route.');
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

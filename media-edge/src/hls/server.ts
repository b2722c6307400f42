// HLS delivery on plain node:http: /hls/{playbackId}/… (live) and /vod/{recordingId}/… (recordings).
// Every request of a signed stream carries a playback token; playlists are rewritten so the token travels on to
// variants and segments. A public stream's master playlist hands out a viewer id the same way (to the variant
// playlists only: its segments stay one URL for everyone, cacheable by a CDN). Per-address limits answer 429.
// Hot path: in-memory files, cached policy and token checks.
import {
  addressKey,
  clientAddress,
  EDGE_AUTH_MESSAGES,
  EDGE_SIGNATURE_HEADER,
  type EdgeVerifier,
  type Logger,
  type ProxyTrust,
} from '@beamline/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { PlaybackInfo } from '../control-plane';
import type { PlaybackAccess } from './access';
import type { HotFiles } from './files';
import type { HlsLimits } from './limits';
import { carryQuery, CORS, fail, PLAYLIST, queryParam, readBody, sendBody, tooMany } from './respond';
import type { ViewerIds } from './viewer-ids';
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
  viewerIds: ViewerIds;
  limits: HlsLimits;
  /** HLS_TRUST_PROXY: whose X-Forwarded-For names the client. */
  trustProxy: ProxyTrust;
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

type Kind = 'master' | 'playlist' | 'segment' | 'thumbnail';

/** Where a connection keeps its address key. */
const CONNECTION_ADDRESS = Symbol('address');

/** What a request asked for besides its path. */
interface Query {
  token: string | null;
  /** A viewer id the edge issued with a public master playlist. */
  vid: string | null;
}

const DENIAL_MESSAGES: Record<string, string> = {
  token_required: 'This stream needs a playback token (?token=…).',
  token_invalid: 'The playback token is not valid.',
  token_expired: 'The playback token has expired.',
  token_wrong_stream: 'The playback token is for another stream.',
};

export function createHlsServer(opts: HlsServerOptions): Server {
  const { files, access, viewers, viewerIds, limits } = opts;
  const playlistTtl = opts.playlistTtlMs ?? 200;

  /** The viewer id a public master playlist hands out: the one given back when still good, else a new one. */
  async function viewerIdFor(playbackId: string, given: string | null, address: string): Promise<string | null> {
    if (viewerIds.verify(given, playbackId, address)) return given;
    const wait = limits.newViewers ? await limits.newViewers.consume(`${playbackId}|${address}`) : null;
    return wait ? null : viewerIds.issue(playbackId, address);
  }

  function deliver(
    req: IncomingMessage,
    res: ServerResponse,
    address: string,
    info: PlaybackInfo,
    query: Query,
    file: string,
    kind: Kind,
    live: boolean,
  ) {
    const now = Date.now();
    const check = access.check(info, query.token, now);
    if (!check.ok) return fail(res, 403, check.code, DENIAL_MESSAGES[check.code]!);
    // a playback token names its viewer; else a public stream's viewer is its edge-issued id, or its address
    const byToken = check.viewer;
    const privacy = info.playbackPolicy === 'signed' ? 'private' : 'public';
    const send = (body: Buffer | null, vid: string | null) => {
      if (!body) return fail(res, 404, 'not_found', 'No such file (the stream may not be live).');
      if (kind === 'segment') {
        if (byToken) viewers.touch(info.playbackId, byToken, body.length, now);
        else viewers.addBytes(info.playbackId, body.length);
        return sendBody(req, res, body, 'video/mp2t', `${privacy}, max-age=31536000, immutable`);
      }
      if (kind === 'thumbnail')
        return sendBody(req, res, body, 'image/jpeg', live ? 'no-cache' : `${privacy}, max-age=3600`);
      const carried = byToken && query.token ? `token=${encodeURIComponent(query.token)}` : vid ? `vid=${vid}` : null;
      const out = carried ? Buffer.from(carryQuery(body.toString('utf8'), carried)) : body;
      if (byToken) viewers.touch(info.playbackId, byToken, out.length, now);
      else if (kind === 'master') viewers.addBytes(info.playbackId, out.length);
      else {
        const id = viewerIds.verify(query.vid, info.playbackId, address);
        viewers.touch(info.playbackId, id ? `e:${id}` : `a:${address}`, out.length, now);
      }
      // a master carrying a viewer id is this viewer's own
      const cache = vid
        ? live
          ? 'private, no-cache'
          : 'private, max-age=60'
        : live
          ? 'no-cache'
          : `${privacy}, max-age=60`;
      return sendBody(req, res, out, PLAYLIST, cache);
    };
    const respond = (body: Buffer | null) => {
      if (!body || kind !== 'master' || byToken) return send(body, null);
      viewerIdFor(info.playbackId, query.vid, address).then(
        (vid) => send(body, vid),
        (err: unknown) => serverError(res, err),
      );
    };
    if (kind === 'segment') {
      const hit = files.cachedSegment(file);
      if (hit) return respond(hit);
      files.loadSegment(file).then(respond, (err: unknown) => serverError(res, err));
      return;
    }
    const ttl = live ? playlistTtl : 5_000;
    const hit = files.cachedFresh(file, ttl, now);
    if (hit !== undefined) return respond(hit);
    files.loadFresh(file, now).then(respond, (err: unknown) => serverError(res, err));
  }

  function serverError(res: ServerResponse, err: unknown) {
    opts.log.error({ err }, 'HLS request failed');
    if (!res.headersSent) fail(res, 500, 'internal_error', 'The edge could not read the file.');
    else res.destroy();
  }

  /**
   * The playback id's policy, from the cache or the control plane. An address whose look-ups keep finding no
   * stream is refused further uncached look-ups for a while (each costs the control plane a call).
   */
  function withInfo(res: ServerResponse, address: string, playbackId: string, then: (info: PlaybackInfo) => void) {
    const notFound = () => fail(res, 404, 'playback_not_found', 'No stream with that playback id.');
    const known = access.cached(playbackId, Date.now());
    if (known !== undefined) return known ? then(known) : notFound();
    const lookUp = () => {
      const found = (info: PlaybackInfo | null) => {
        if (info) return then(info);
        limits.unknownPlayback?.consume(address).catch((err: unknown) => opts.log.warn({ err }, 'rate limit failed'));
        notFound();
      };
      const info = access.info(playbackId, Date.now());
      if (info === null || 'playbackPolicy' in info) return found(info);
      info.then(found, () => fail(res, 503, 'unavailable', 'The control plane is not reachable; retry.'));
    };
    if (!limits.unknownPlayback) return lookUp();
    limits.unknownPlayback.blocked(address).then(
      (wait) => (wait ? tooMany(res, wait, 'Too many requests for unknown playback ids; retry later.') : lookUp()),
      (err: unknown) => serverError(res, err),
    );
  }

  /** Maps the path below a stream's root to (file, kind), or null when it is not a file we serve. */
  function fileOf(root: string, parts: string[]): { file: string; kind: Kind } | null {
    if (parts.length === 1) {
      if (parts[0] === 'master.m3u8') return { file: join(root, 'master.m3u8'), kind: 'master' };
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
    const given = req.headers[EDGE_SIGNATURE_HEADER];
    const header = typeof given === 'string' ? given : undefined;
    // an unsigned request is refused without reading its body
    const body = header ? await readBody(req, 64 * 1024) : null;
    if (header && body === null) return fail(res, 413, 'payload_too_large', 'The request body is too large.');
    const failure = await opts.verifyInternal({ method: req.method ?? 'GET', path: req.url ?? '/', body, header });
    if (failure) return fail(res, 401, failure, EDGE_AUTH_MESSAGES[failure]);
    if (req.method === 'DELETE' && parts[2] === 'recordings' && parts.length === 4 && RECORDING_ID.test(parts[3]!)) {
      const removed = await opts.deleteRecording(parts[3]!);
      if (!removed) return fail(res, 404, 'recording_not_found', 'This edge holds no such recording.');
      res.writeHead(204, CORS);
      return res.end();
    }
    return fail(res, 404, 'not_found', 'No such route.');
  }

  /** /hls/… and /vod/… once the address is within its request limit. */
  function media(req: IncomingMessage, res: ServerResponse, address: string, parts: string[], query: Query) {
    const id = parts[2] ?? '';
    const rest = parts.slice(3);
    if (parts[1] === 'hls') {
      const target = fileOf(join(opts.mediaDir, 'live', id), rest);
      if (!target) return fail(res, 404, 'not_found', 'No such file.');
      return withInfo(res, address, id, (info) =>
        deliver(req, res, address, info, query, target.file, target.kind, true),
      );
    }
    const target = fileOf(join(opts.mediaDir, 'recordings', id), rest);
    if (!target) return fail(res, 404, 'not_found', 'No such file.');
    opts.recordingMeta(id).then(
      (meta) =>
        meta
          ? withInfo(res, address, meta.playbackId, (info) =>
              deliver(req, res, address, info, query, target.file, target.kind, false),
            )
          : fail(res, 404, 'recording_not_found', 'No such recording on this edge.'),
      (err: unknown) => serverError(res, err),
    );
  }

  /**
   * The address a request is limited and counted by. Behind trusted proxies it is read from each request; else it
   * is the connection's, worked out once per connection (parsing it costs more than the rest of a playlist hit).
   */
  function addressOf(req: IncomingMessage): string {
    const forwarded = req.headers['x-forwarded-for'];
    if (opts.trustProxy && typeof forwarded === 'string')
      return addressKey(clientAddress(req.socket.remoteAddress, forwarded, opts.trustProxy));
    const socket = req.socket as typeof req.socket & { [CONNECTION_ADDRESS]?: string };
    return (socket[CONNECTION_ADDRESS] ??= addressKey(clientAddress(req.socket.remoteAddress, undefined, false)));
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
    const id = parts[2] ?? '';
    const isMedia = (parts[1] === 'hls' && PLAYBACK_ID.test(id)) || (parts[1] === 'vod' && RECORDING_ID.test(id));
    if (!isMedia) return fail(res, 404, 'not_found', 'No such route.');
    const search = q === -1 ? '' : url.slice(q + 1);
    const query = { token: queryParam(search, 'token'), vid: queryParam(search, 'vid') };
    const address = addressOf(req);
    if (!limits.requests) return media(req, res, address, parts, query);
    limits.requests.consume(address).then(
      (wait) =>
        wait
          ? tooMany(res, wait, 'Too many requests from this address; retry later.')
          : media(req, res, address, parts, query),
      (err: unknown) => serverError(res, err),
    );
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

// Answers of the HLS edge: JSON errors, bodies with ranges on the hot path, playlists rewritten to carry a query.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Content-Length, Content-Range',
};
export const PLAYLIST = 'application/vnd.apple.mpegurl';

export function fail(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    ...CORS,
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Appends a query (`vid=…`, `token=…`) to every URI line of a playlist. */
export function carryQuery(playlist: string, query: string): string {
  return playlist.replace(/^([^#\s][^\s]*)$/gm, `$1?${query}`);
}

/** Appends the token to every URI line of a playlist. */
export function carryToken(playlist: string, token: string): string {
  return carryQuery(playlist, `token=${encodeURIComponent(token)}`);
}

/** 429 with Retry-After, the answer to every per-address limit. */
export function tooMany(res: ServerResponse, retryAfterSeconds: number, message: string) {
  fail(res, 429, 'rate_limited', message, { 'retry-after': String(retryAfterSeconds) });
}

/** A query parameter's decoded value (the first), or null. */
export function queryParam(query: string, name: string): string | null {
  if (!query) return null;
  const prefix = `${name}=`;
  for (const part of query.split('&')) {
    if (part.startsWith(prefix)) {
      try {
        return decodeURIComponent(part.slice(prefix.length)) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function sendBody(req: IncomingMessage, res: ServerResponse, body: Buffer, type: string, cache: string) {
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
export function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
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

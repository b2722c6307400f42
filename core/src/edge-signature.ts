// Signed requests between the media edge and the control plane, both ways: HMAC-SHA256 over the method, the
// path with its query, a timestamp, a nonce and the body's digest. A request is good for 60 s either side of
// its timestamp and once only (its nonce is remembered for the window); during a rotation the sender signs
// with both secrets and the receiver accepts either.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

export const EDGE_SIGNATURE_HEADER = 'x-beamline-edge-signature';
/** How far a request's timestamp may be from the receiver's clock, either way. */
export const EDGE_SIGNATURE_WINDOW_MS = 60_000;

export interface EdgeRequest {
  method: string;
  /** The path with its query string, as requested (`/internal/edge/playback/abc?x=1`). */
  path: string;
  body?: string | Uint8Array | null;
}

export type EdgeAuthFailure =
  'edge_signature_missing' | 'edge_signature_invalid' | 'edge_signature_stale' | 'edge_signature_replayed';

export const EDGE_AUTH_MESSAGES: Record<EdgeAuthFailure, string> = {
  edge_signature_missing: 'The request is not signed with the edge secret.',
  edge_signature_invalid: 'The edge signature does not match the request.',
  edge_signature_stale: 'The edge signature is older (or newer) than 60 s; check the clocks.',
  edge_signature_replayed: 'This signed request was already received.',
};

const EMPTY_DIGEST = createHash('sha256').digest('hex');

function digestOf(body: EdgeRequest['body']): string {
  if (body === undefined || body === null || body.length === 0) return EMPTY_DIGEST;
  return createHash('sha256').update(body).digest('hex');
}

function mac(secret: string, timestamp: number, nonce: string, req: EdgeRequest): string {
  const text = `v1\n${req.method.toUpperCase()}\n${req.path}\n${timestamp}\n${nonce}\n${digestOf(req.body)}`;
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** The secrets a service signs with and accepts: EDGE_SECRET, then EDGE_SECRET_PREVIOUS while a rotation lasts. */
export function edgeSecrets(config: { EDGE_SECRET: string; EDGE_SECRET_PREVIOUS?: string | undefined }): string[] {
  return config.EDGE_SECRET_PREVIOUS && config.EDGE_SECRET_PREVIOUS !== config.EDGE_SECRET
    ? [config.EDGE_SECRET, config.EDGE_SECRET_PREVIOUS]
    : [config.EDGE_SECRET];
}

/** The signature header's value for a request: `t=<unix s>,n=<nonce>,v1=<hex>` with one v1 per secret. */
export function signEdgeRequest(
  secrets: readonly string[],
  req: EdgeRequest,
  opts: { now?: number; nonce?: string } = {},
): string {
  const timestamp = Math.floor((opts.now ?? Date.now()) / 1000);
  const nonce = opts.nonce ?? randomBytes(16).toString('hex');
  const macs = secrets.map((s) => `v1=${mac(s, timestamp, nonce, req)}`);
  return [`t=${timestamp}`, `n=${nonce}`, ...macs].join(',');
}

/** Nonces already received; `claim` is true the first time a nonce is seen within `ttlMs`. */
export interface SeenNonces {
  claim(nonce: string, ttlMs: number): Promise<boolean>;
}

/** Nonces of this process, at most `max` (the oldest forgotten first). */
export function memorySeenNonces(opts: { max?: number; now?: () => number } = {}): SeenNonces {
  const max = opts.max ?? 200_000;
  const now = opts.now ?? Date.now;
  const seen = new Map<string, number>();
  return {
    async claim(nonce, ttlMs) {
      const at = now();
      // every entry lives as long, so the oldest come first and expire first
      for (const [key, until] of seen) {
        if (until > at && seen.size < max) break;
        seen.delete(key);
      }
      if (seen.has(nonce)) return false;
      seen.set(nonce, at + ttlMs);
      return true;
    },
  };
}

/** Nonces shared by every control-plane node through Redis (SET NX with the window's expiry). */
export function redisSeenNonces(redis: Redis): SeenNonces {
  return {
    async claim(nonce, ttlMs) {
      return (await redis.set(`edge-nonce:${nonce}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
  };
}

export interface EdgeVerifierOptions {
  /** Accepted secrets: EDGE_SECRET and, during a rotation, EDGE_SECRET_PREVIOUS. */
  secrets: readonly string[];
  seen: SeenNonces;
  now?: () => number;
  windowMs?: number;
  /** Told of every refused request (a metric). */
  onFailure?(reason: EdgeAuthFailure): void;
}

export type EdgeVerifier = (req: EdgeRequest & { header: string | undefined }) => Promise<EdgeAuthFailure | null>;

const NONCE = /^[0-9a-f]{16,64}$/;
const HEX_MAC = /^[0-9a-f]{64}$/;

/** A check of signed requests: resolves to null when the request is good, else why it is refused. */
export function createEdgeVerifier(opts: EdgeVerifierOptions): EdgeVerifier {
  const windowMs = opts.windowMs ?? EDGE_SIGNATURE_WINDOW_MS;
  const now = opts.now ?? Date.now;
  const judge = async (req: EdgeRequest & { header: string | undefined }): Promise<EdgeAuthFailure | null> => {
    if (!req.header) return 'edge_signature_missing';
    let timestamp = NaN;
    let nonce = '';
    const given: string[] = [];
    for (const part of req.header.split(',', 8)) {
      const eq = part.indexOf('=');
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
      else if (key === 'n' && NONCE.test(value)) nonce = value;
      else if (key === 'v1' && HEX_MAC.test(value)) given.push(value);
    }
    if (Number.isNaN(timestamp) || !nonce || given.length === 0) return 'edge_signature_invalid';
    if (Math.abs(now() - timestamp * 1000) > windowMs) return 'edge_signature_stale';
    const good = opts.secrets.some((secret) => {
      const expected = Buffer.from(mac(secret, timestamp, nonce, req), 'hex');
      return given.some((g) => timingSafeEqual(Buffer.from(g, 'hex'), expected));
    });
    if (!good) return 'edge_signature_invalid';
    // a nonce is remembered for as long as its timestamp can pass the window check
    if (!(await opts.seen.claim(nonce, 2 * windowMs + 1_000))) return 'edge_signature_replayed';
    return null;
  };
  return async (req) => {
    const failure = await judge(req);
    if (failure) opts.onFailure?.(failure);
    return failure;
  };
}

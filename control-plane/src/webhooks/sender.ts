// One webhook attempt over HTTP: check the destination, sign, POST with a deadline, read a capped excerpt of the answer.
import { signWebhook } from '@beamline/protocol';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import pkg from '../../package.json' with { type: 'json' };
import { cachedDestinationCheck, DestinationRefused, guardedLookup, type DestinationPolicy } from './destination';
import { sharedDeadlines } from './deadline';
import { parseRetryAfter } from './retry';

export const USER_AGENT = `Beamline-Webhooks/${pkg.version}`;
/** Bytes of the receiver's answer kept in the delivery log. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface SendInput {
  url: string;
  eventId: string;
  payload: string;
  /** Current secret first; a rotated-out secret still in its grace period after it. */
  secrets: string[];
}

export interface SendResult {
  status: number | null;
  latencyMs: number;
  responseExcerpt: string;
  error: string | null;
  retryAfterMs: number | null;
  /** The destination was refused by the SSRF guard: no request was sent. */
  refused: boolean;
}

/** `t=…,v1=…[,v1=…]`: one v1 per secret, so receivers holding either secret accept it during a rotation. */
export function signatureHeader(secrets: string[], timestamp: number, payload: string): string {
  const [first, ...rest] = secrets.map((s) => signWebhook(s, timestamp, payload));
  return [first!, ...rest.map((sig) => sig.slice(sig.indexOf(',') + 1))].join(',');
}

export interface Sender {
  send(input: SendInput): Promise<SendResult>;
  close(): Promise<void>;
}

export function createSender(opts: { policy: DestinationPolicy; timeoutMs: number; now?: () => Date }): Sender {
  const now = opts.now ?? (() => new Date());
  // One pool of keep-alive connections per origin for every attempt; each new socket is checked by guardedLookup.
  const agent = new Agent({
    connect: { lookup: guardedLookup(opts.policy), timeout: opts.timeoutMs },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: 4_000,
  });
  const check = cachedDestinationCheck(opts.policy, { now: () => now().getTime() });
  const deadlines = sharedDeadlines(opts.timeoutMs);

  async function send(input: SendInput): Promise<SendResult> {
    const started = performance.now();
    const result = (r: Partial<SendResult>): SendResult => ({
      status: null,
      latencyMs: Math.round(performance.now() - started),
      responseExcerpt: '',
      error: null,
      retryAfterMs: null,
      refused: false,
      ...r,
    });
    let url: URL;
    try {
      url = await check(input.url);
    } catch (err) {
      if (err instanceof DestinationRefused) return result({ error: err.message, refused: true });
      throw err;
    }
    const timestamp = Math.floor(now().getTime() / 1000);
    try {
      const res = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        signal: deadlines.signal(),
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': input.eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(input.secrets, timestamp, input.payload),
        },
        body: input.payload,
      });
      const excerpt = await readExcerpt(res.body);
      const retryAfter = res.headers['retry-after'];
      return result({
        status: res.statusCode,
        responseExcerpt: excerpt,
        retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, now()),
      });
    } catch (err) {
      const refused =
        err instanceof DestinationRefused || (err as { cause?: unknown }).cause instanceof DestinationRefused;
      return result({ error: describe(err, opts.timeoutMs), refused });
    }
  }

  return {
    send,
    async close() {
      await agent.close();
      deadlines.close();
    },
  };
}

/** The first RESPONSE_EXCERPT_BYTES of an answer; the rest is not read (the body is destroyed). */
function readExcerpt(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks, size).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8'));
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < RESPONSE_EXCERPT_BYTES) return;
      body.removeAllListeners('data');
      body.destroy();
      done();
    });
    body.on('end', done);
    body.on('error', reject); // also after a destroy: the promise has settled by then
  });
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /timeout/i.test(e.code ?? ''))
    return `timed out after ${timeoutMs} ms`;
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code ? `${code}: ${message}` : message;
}

// One webhook attempt over HTTP: check the destination, sign, POST with a deadline, read a capped excerpt of the answer.
import { signWebhook } from '@beamline/protocol';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import pkg from '../../package.json' with { type: 'json' };
import { cachedDestinationCheck, DestinationRefused, guardedLookup, type DestinationPolicy } from '@beamline/core';
import { sharedDeadlines, type SharedDeadline, type Timeable } from './deadline';
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
  if (secrets.length === 1) return signWebhook(secrets[0]!, timestamp, payload);
  const [first, ...rest] = secrets.map((s) => signWebhook(s, timestamp, payload));
  return [first!, ...rest.map((sig) => sig.slice(sig.indexOf(',') + 1))].join(',');
}

export interface Sender {
  send(input: SendInput): Promise<SendResult>;
  close(): Promise<void>;
}

export interface SenderOptions {
  policy: DestinationPolicy;
  timeoutMs: number;
  now?: () => Date;
  /** Told each attempt's result as it settles (metrics). */
  onResult?: (result: SendResult) => void;
}

/** A sender, and how many of its keep-alive connections to an origin wait for their next attempt. */
export function createSender(opts: SenderOptions): Sender & { idleConnections(origin: string): number } {
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
    let url: URL;
    try {
      url = await check(input.url);
    } catch (err) {
      if (!(err instanceof DestinationRefused)) throw err;
      const refused = sendResult(started, null, '', err.message, null, true);
      opts.onResult?.(refused);
      return refused;
    }
    const timestamp = Math.floor(now().getTime() / 1000);
    return new Promise<SendResult>((resolve) => {
      const { onResult } = opts;
      const settle = onResult
        ? (result: SendResult) => {
            resolve(result); // the caller goes on in a later microtask, after onResult
            onResult(result);
          }
        : resolve;
      const attempt = new Attempt(started, deadlines.current(), opts.timeoutMs, now, settle);
      agent.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            'webhook-id': input.eventId,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatureHeader(input.secrets, timestamp, input.payload),
          },
          body: input.payload,
        },
        attempt,
      );
    });
  }

  return {
    send,
    idleConnections(origin) {
      const stats = agent.stats[origin];
      if (!stats) return 0;
      return 'free' in stats ? stats.free : stats.connected && stats.running === 0 && stats.pending === 0 ? 1 : 0;
    },
    async close() {
      await agent.close();
      deadlines.close();
    },
  };
}

function sendResult(
  started: number,
  status: number | null,
  responseExcerpt: string,
  error: string | null,
  retryAfterMs: number | null,
  refused: boolean,
): SendResult {
  return { status, latencyMs: Math.round(performance.now() - started), responseExcerpt, error, retryAfterMs, refused };
}

/**
 * One request as undici's dispatch handler: the status, Retry-After and the first RESPONSE_EXCERPT_BYTES of the
 * answer are taken as they arrive, and the rest is not read (the request is aborted). Undici's promise API would
 * wrap every answer in a stream and a promise of its own; an attempt only needs these callbacks, and settles once.
 */
class Attempt implements Dispatcher.DispatchHandler, Timeable {
  private controller: Dispatcher.DispatchController | null = null;
  private status: number | null = null;
  private retryAfter: string | undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    private readonly started: number,
    private readonly deadline: SharedDeadline,
    private readonly timeoutMs: number,
    private readonly now: () => Date,
    private readonly resolve: (result: SendResult) => void,
  ) {
    deadline.attempts.add(this);
  }

  onRequestStart(controller: Dispatcher.DispatchController) {
    this.controller = controller;
    if (this.deadline.reason) controller.abort(this.deadline.reason);
  }

  timedOut(reason: Error) {
    // Before the request has a connection there is no controller yet: onRequestStart aborts it then.
    this.controller?.abort(reason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders) {
    this.status = statusCode;
    const retryAfter = headers['retry-after'];
    this.retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer) {
    if (this.settled) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < RESPONSE_EXCERPT_BYTES) return;
    this.answered();
    controller.abort(new Error('response excerpt read'));
  }

  onResponseEnd() {
    this.answered();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error) {
    if (this.settled) return;
    const refused = err instanceof DestinationRefused || err.cause instanceof DestinationRefused;
    this.settle(sendResult(this.started, null, '', describe(err, this.timeoutMs), null, refused));
  }

  private answered() {
    if (this.settled) return;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    const excerpt = body.toString('utf8', 0, Math.min(this.size, RESPONSE_EXCERPT_BYTES));
    const retryAfterMs = this.retryAfter === undefined ? null : parseRetryAfter(this.retryAfter, this.now());
    this.settle(sendResult(this.started, this.status, excerpt, null, retryAfterMs, false));
  }

  private settle(result: SendResult) {
    this.settled = true;
    this.deadline.attempts.delete(this);
    this.resolve(result);
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /timeout/i.test(e.code ?? ''))
    return `timed out after ${timeoutMs} ms`;
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code ? `${code}: ${message}` : message;
}

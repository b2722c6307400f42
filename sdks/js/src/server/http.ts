// The transport of the server client: Basic auth, JSON, typed errors, retries with backoff for idempotent calls.
import { SDK_VERSION } from '../version';
import { PlatformError } from './errors';

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Retries after the first attempt for idempotent calls on 429, 5xx or a lost connection. Default 2. */
  maxRetries?: number;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
  /** Called before every attempt; for logging and metrics. */
  onRequest?: (info: RequestInfo) => void;
}

export interface RequestInfo {
  operationId: string;
  method: string;
  url: string;
  attempt: number;
}

export interface CallInit {
  query?: Record<string, unknown> | undefined;
  body?: unknown;
  /** Return the body as text (stylesheets, CSV, HTML) instead of parsing JSON. */
  text?: boolean;
  /** A binary body (an image upload) sent as is with its content type, instead of JSON. */
  raw?: { data: Blob | ArrayBuffer | Uint8Array; contentType: string };
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const MAX_DELAY_MS = 30_000;

function encodeBase64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s … capped at 8 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(8_000, 500 * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class HttpClient {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: HttpOptions) {
    if (!options.apiKey || !options.apiSecret) throw new TypeError('apiKey and apiSecret are required');
    if (!options.baseUrl) throw new TypeError('baseUrl is required, e.g. http://localhost:8080');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = `Basic ${encodeBase64(`${options.apiKey}:${options.apiSecret}`)}`;
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  url(path: string, query?: Record<string, unknown>): string {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async request<T>(operationId: string, method: string, path: string, init: CallInit = {}): Promise<T> {
    const url = this.url(path, init.query);
    const retries = IDEMPOTENT.has(method) ? this.maxRetries : 0;
    for (let attempt = 0; ; attempt++) {
      this.options.onRequest?.({ operationId, method, url, attempt });
      try {
        return await this.once<T>(method, url, init, init.text === true);
      } catch (err) {
        if (!(err instanceof PlatformError) || !err.retryable || attempt >= retries) throw err;
        const wait = err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : backoffMs(attempt);
        if (wait > MAX_DELAY_MS) throw err;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async once<T>(method: string, url: string, init: CallInit, asText: boolean): Promise<T> {
    const headers: Record<string, string> = {
      authorization: this.authorization,
      accept: asText ? '*/*' : 'application/json',
      'x-beamline-sdk': `js/${SDK_VERSION}`,
    };
    let body: BodyInit | undefined;
    if (init.raw) {
      headers['content-type'] = init.raw.contentType;
      body = init.raw.data as BodyInit;
    } else if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new PlatformError({
        code: timedOut ? 'timeout' : 'network_error',
        message: timedOut ? `No answer from ${url} within ${this.timeoutMs} ms.` : `Could not reach ${url}.`,
        status: 0,
        cause,
      });
    }
    const requestId = res.headers.get('x-request-id') ?? undefined;
    const text = await res.text();
    if (res.ok && asText) return text as T;
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (res.ok) {
          throw new PlatformError({
            code: 'invalid_response',
            message: 'The server answered with a body that is not JSON.',
            status: res.status,
            requestId,
          });
        }
      }
    }
    if (res.ok) return parsed as T;
    const retryAfter = Number(res.headers.get('retry-after'));
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown; requestId?: string } })
      ?.error;
    throw new PlatformError({
      code: error?.code ?? (res.status >= 500 ? 'internal_error' : 'http_error'),
      message: error?.message ?? `HTTP ${res.status}`,
      status: res.status,
      requestId: error?.requestId ?? requestId,
      details: error?.details,
      retryAfterSeconds: Number.isFinite(retryAfter) && res.headers.has('retry-after') ? retryAfter : undefined,
    });
  }
}

// Fixed response headers (hardening, request id), written the cheap way: straight onto Node's response before
// the handler runs, so they cost a few setHeader calls rather than a rebuilt web Response per request.
// A header the handler sets itself wins (Node merges setHeader into writeHead, the handler's values first).
import type { ServerResponse } from 'node:http';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

type HeaderList = readonly (readonly [name: string, value: string])[];

/** The headers hono's secureHeaders sets with `options`, read once from a throwaway app. */
async function secureHeaderList(options: Parameters<typeof secureHeaders>[0]): Promise<HeaderList> {
  const probe = new Hono().use(secureHeaders(options)).get('/', (c) => c.body(null, 204));
  return [...(await probe.request('/')).headers.entries()];
}

/** JSON answers are data, never a page: nothing in them may load, run or be framed. */
const API_CSP = ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"] as const;

/**
 * Of the page headers, those that mean something on a JSON answer (OWASP's set for REST APIs); the rest
 * (opener and agent-cluster policies, DNS prefetching, IE's download and XSS filters, Flash's cross-domain
 * policy) only act on documents, and each header costs every answer its validation and its bytes.
 */
const API_KEEPS = new Set([
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-resource-policy',
]);

export class FixedHeaders {
  private constructor(
    /** Every page and file outside the two kinds below. */
    private readonly page: HeaderList,
    /** Embeddable player pages (/embed/…): framed on customers' sites. */
    private readonly embed: HeaderList,
    /** The JSON API (/v1/…). */
    private readonly api: HeaderList,
  ) {}

  static async create(): Promise<FixedHeaders> {
    const page = await secureHeaderList({ crossOriginResourcePolicy: 'cross-origin' });
    const embed = await secureHeaderList({ crossOriginResourcePolicy: 'cross-origin', xFrameOptions: false });
    return new FixedHeaders(page, embed, [...page.filter(([name]) => API_KEEPS.has(name)), API_CSP]);
  }

  for(path: string): HeaderList {
    return path.startsWith('/v1/') ? this.api : path.startsWith('/embed/') ? this.embed : this.page;
  }
}

/** Writes `list` on Node's response ahead of the handler; false for in-process calls, which have none. */
export function writeAhead(env: unknown, list: HeaderList, requestId: string): boolean {
  const outgoing = (env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing) return false;
  for (const [name, value] of list) outgoing.setHeader(name, value);
  outgoing.setHeader('x-request-id', requestId);
  return true;
}

/** The in-process path: adds to a finished response each header of `list` it does not have. */
export function fillIn(headers: Headers, list: HeaderList, requestId: string): void {
  for (const [name, value] of list) if (!headers.has(name)) headers.set(name, value);
  headers.set('x-request-id', requestId);
}

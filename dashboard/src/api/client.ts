// The dashboard's HTTP client: same-origin JSON calls, the session's bearer token, one refresh on expiry.
// No cookies: the access token lives in memory only, the rotating refresh token in localStorage (see
// documentation/security.md, "Dashboard sessions and CSRF").

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export interface Session {
  user: User;
  accessToken: string;
  refreshToken: string;
}

/** A failed call, carrying the API's own error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STORAGE_KEY = 'beamline.session';
type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();
let current: Session | null = readStored();
let refreshing: Promise<boolean> | null = null;

/** What survives a reload: the user and the refresh token; the first call then refreshes the access token. */
function readStored(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const stored = raw ? (JSON.parse(raw) as Partial<Session>) : null;
    return stored?.user && stored.refreshToken
      ? { user: stored.user, refreshToken: stored.refreshToken, accessToken: '' }
      : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  if (session)
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ user: session.user, refreshToken: session.refreshToken }));
  else localStorage.removeItem(STORAGE_KEY);
  for (const l of listeners) l(session);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab signing in or out changes this one too.
window.addEventListener('storage', (e) => {
  if (e.key !== STORAGE_KEY) return;
  const stored = readStored();
  // Another tab rotated the refresh token: take it, keep this tab's access token for the same user.
  current = stored && current?.user.id === stored.user.id ? { ...stored, accessToken: current.accessToken } : stored;
  for (const l of listeners) l(current);
});

async function toError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as {
    error?: { code?: string; message?: string; details?: unknown; requestId?: string };
  } | null;
  const e = body?.error;
  if (e?.message) return new ApiError(res.status, e.code ?? 'error', e.message, e.details, e.requestId);
  return new ApiError(res.status, 'http_error', `The server answered ${res.status} ${res.statusText}.`.trim());
}

async function refresh(): Promise<boolean> {
  const session = current;
  if (!session) return false;
  refreshing ??= (async () => {
    try {
      const res = await fetch('/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      if (!res.ok) {
        setSession(null);
        return false;
      }
      const pair = (await res.json()) as { accessToken: string; refreshToken: string };
      setSession({ ...session, ...pair });
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Sent as-is (multipart uploads) instead of JSON. */
  form?: FormData;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
}

/** Calls the API; throws ApiError with the API's message on any failure. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const send = () => {
    const headers: Record<string, string> = {};
    if (current?.accessToken) headers.authorization = `Bearer ${current.accessToken}`;
    let body: BodyInit | undefined;
    if (opts.form) body = opts.form;
    else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    return fetch(url, { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  };
  // After a reload only the refresh token is known: get an access token first.
  if (current && !current.accessToken) await refresh();
  let res: Response;
  try {
    res = await send();
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  if (res.status === 401 && current && (await refresh())) res = await send();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    // Validation failures name each field the API refused.
    const fields = Array.isArray(err.details)
      ? (err.details as { path?: string; message?: string }[])
          .filter((d) => d && typeof d.message === 'string')
          .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
      : [];
    return fields.length ? `${err.message} (${fields.join('; ')})` : err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

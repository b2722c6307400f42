// Helpers of the webhook tests: a JSON client for the platform's API; the receiver and the developer's app come
// from testkit.

export { newDeveloperApp, startReceiver, type Answer, type Received, type Receiver } from '@beamline/testkit';

export interface Api {
  base: string;
  // Response bodies are whatever the API sends; tests assert their shape.
  call<T = any>(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: T }>;
}

export function apiClient(base: string): Api {
  return {
    base,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(base + path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
  };
}

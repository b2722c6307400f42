// A fresh developer account and app on a running platform, for SDK tests.
import { randomUUID } from 'node:crypto';

export interface TestApp {
  appId: string;
  apiKey: string;
  apiSecret: string;
  accessToken: string;
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export async function createTestApp(api: string, name = 'SDK test'): Promise<TestApp> {
  const { accessToken } = await post<{ accessToken: string }>(`${api}/v1/auth/register`, {
    email: `dev-${randomUUID()}@example.com`,
    password: 'correct horse battery',
  });
  const created = await post<{ app: { id: string }; apiKey: { key: string; secret: string } }>(
    `${api}/v1/apps`,
    { name },
    accessToken,
  );
  return { appId: created.app.id, apiKey: created.apiKey.key, apiSecret: created.apiKey.secret, accessToken };
}

// First start: a demo account with an app, so a new user can log in at once. Kept under DATA_DIR.
import { randomToken } from '@beamline/protocol';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '@beamline/control-plane';

export interface DemoLogin {
  email: string;
  password: string;
}

export async function seedDemo(controlPlane: ControlPlane, dataDir: string): Promise<DemoLogin> {
  const file = join(dataDir, 'demo-login.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoLogin;
  const login: DemoLogin = { email: 'demo@beamline.local', password: `demo-${randomToken(12)}` };
  const call = (path: string, body: unknown, token?: string) =>
    controlPlane.http.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const res = await call('/v1/auth/register', { ...login, name: 'Demo developer' });
  if (res.status !== 201) throw new Error(`seeding the demo account failed: ${res.status} ${await res.text()}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  const app = await call('/v1/apps', { name: 'Demo app', description: 'Created on first start' }, accessToken);
  if (app.status !== 201) throw new Error(`seeding the demo app failed: ${app.status}`);
  writeFileSync(file, JSON.stringify(login, null, 2), { mode: 0o600 });
  return login;
}
